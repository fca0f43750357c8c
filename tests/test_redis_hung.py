"""A Redis that hangs (accepts connections, never answers) costs a process one timeout,
not one per call: the pages, an approval, a submission and /healthz carry on at once.

The stand-in for the hung Redis is a listening socket that accepts and never replies, as
a Redis in `DEBUG SLEEP` or behind a half-open connection does; each connection it
accepts is a call that waited out its timeout. It is both the cache (CACHE_URL) and the
broker (CELERY_BROKER_URL), as in production.
"""

import logging
import socket
import threading

import pytest
from django.urls import reverse

from milestones.models import QuarterlyReport, ReportStatus
from progress import services as progress
from progress.models import PendingRecompute

from .conftest import report_form_data
from .services import publishing_to, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class HungRedis:
    """127.0.0.1 at a free port: accepts every connection and never answers."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:  # closed at the end of the test
                return
            self.accepted.append(connection)

    def url(self, database: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def calls_waited(self, at_least: int = 1) -> int:
        wait_until(lambda: len(self.accepted) >= at_least, timeout=5, interval=0.05)
        return len(self.accepted)

    def close(self):
        self.listener.close()
        for connection in self.accepted:
            connection.close()


def shared_cache(url: str, **extra) -> dict:
    """As settings.CACHES reads with CACHE_URL set (tests/test_settings.py checks it)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "CLIENT_CLASS": "core.breaker.BreakerClient",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
        **extra,
    }


@pytest.fixture
def hung_redis(settings):
    hung = HungRedis()
    settings.REDIS_SKIP_SECONDS = 30
    settings.CACHE_URL = hung.url(1)
    settings.CACHES = {
        "default": shared_cache(hung.url(1)),
        "throttle": shared_cache(hung.url(1), KEY_PREFIX="throttle"),
    }
    settings.CELERY_BROKER_URL = hung.url(0)
    try:
        with publishing_to(hung.url(0)):
            yield hung
    finally:
        hung.close()


def skipped(caplog) -> list[str]:
    """What the process stopped asking, once each time it tripped."""
    return [
        record.getMessage().split(" did not answer")[0]
        for record in caplog.records
        if record.name == "core.breaker"
    ]


def test_pages_answer_once_one_cache_call_waited(client, official, laocai, hung_redis, caplog):
    progress.recompute_all()
    client.force_login(official)
    province = reverse("dashboards:province-dashboard", args=["lao-cai"])

    with caplog.at_level(logging.WARNING, logger="core.breaker"):
        for path in ("/", province, "/", province):
            response = client.get(path)
            assert response.status_code == 200, path

    # The first call waited out CACHE_TIMEOUT_SECONDS; every later one skipped the cache.
    assert hung_redis.calls_waited() == 1
    assert skipped(caplog) == [f"The cache at {hung_redis.url(1)}"]


def test_a_submission_and_an_approval_are_saved_and_their_jobs_wait_as_pending(
    client, staff_laocai, reviewer, laocai, hung_redis, caplog
):
    with caplog.at_level(logging.WARNING, logger="core.breaker"):
        client.force_login(staff_laocai)
        response = client.post(
            reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter]),
            report_form_data(laocai, submit="1"),
        )
        assert response.status_code == 302
        report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
        assert report.status == ReportStatus.SUBMITTED

        client.force_login(reviewer)
        response = client.post(
            reverse("milestones:report-approve", args=[report.pk]), {"version": report.version}
        )
        assert response.status_code == 302

    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    # The recompute the approval asked for is owed, for the scheduled sweep to catch up.
    assert PendingRecompute.objects.filter(agreement=laocai.agreement).exists()
    # The submission's job waited out one timeout; the approval's went to the fallback.
    assert hung_redis.calls_waited() == 1
    assert skipped(caplog) == [f"The job broker at {hung_redis.url(0)}"]


def test_healthz_names_the_cache_and_the_broker_as_unreachable_or_slow(client, hung_redis):
    response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"].startswith("unreachable or slow")
    assert checks["broker"].startswith("unreachable or slow")
    assert checks["database"] == "ok"
    # The cache's set and the broker's connection; the cache's read and delete were skipped.
    assert hung_redis.calls_waited(at_least=2) == 2
