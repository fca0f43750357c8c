"""A Redis that hangs (accepts connections, never answers) costs a process one timeout,
not one per call: the pages, an approval, a submission and /healthz carry on at once.

The hung Redis (tests/services.py's HungRedis) is both the cache (CACHE_URL), configured
as the settings configure one, and the broker (CELERY_BROKER_URL), as in production.
"""

import logging

import pytest
from django.urls import reverse

from config.settings import redis_cache
from milestones.models import QuarterlyReport, ReportStatus
from progress import services as progress
from progress.models import PendingRecompute

from .conftest import report_form_data
from .services import HungRedis, publishing_to

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hung_redis(settings):
    hung = HungRedis()
    settings.REDIS_SKIP_SECONDS = 30
    settings.CACHE_URL = hung.url(1)
    settings.CACHES = {
        "default": redis_cache(hung.url(1)),
        "throttle": redis_cache(hung.url(1), KEY_PREFIX="throttle"),
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
