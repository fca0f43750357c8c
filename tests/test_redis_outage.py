"""Redis stopped and started under the production stack: gunicorn with Redis as the shared
cache and Celery's broker, a Celery worker with beat, on the test's PostgreSQL database.

While Redis is down a reviewer's approval succeeds (its recompute stays pending) and the
dashboards are served, rendered afresh instead of from the cache; once Redis is back the
worker's sweep recomputes, and the national dashboard shows the approved figure.
"""

import json
import urllib.request

import pytest
from django.db import connection

from milestones.models import QuarterlyReport, ReportStatus
from progress import services as progress
from progress.models import PendingRecompute
from provinces.access import Role

from .factories import UserFactory, submitted_report
from .services import Gunicorn, Worker, wait_until
from .test_celery_redis import database_url, redis  # noqa: F401  (the module's Redis server)
from .test_dashboards import table_rows
from .test_gunicorn import Browser

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SWEEP_SECONDS = 2
CATCH_UP_WAIT = 90


@pytest.fixture
def stack(redis, laocai):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn and the worker are other processes: run on PostgreSQL")
    laocai.bts_total.is_headline = True
    laocai.bts_total.save()
    progress.recompute_all()
    services = {
        "CACHE_URL": redis.url.replace("/0", "/1"),
        "PROGRESS_PENDING_SECONDS": str(SWEEP_SECONDS),
        "PROGRESS_RECOMPUTE_SECONDS": "3600",
    }
    gunicorn = Gunicorn(database_url(), CELERY_BROKER_URL=redis.url, **services)
    worker = Worker(redis.url, database_url(), services)
    try:
        gunicorn.start()
        worker.start()
        yield gunicorn, worker
    finally:
        worker.stop()
        gunicorn.stop()


def national_bts(browser) -> str:
    status, html = browser.get("/")
    assert status == 200, html[-2000:]
    return table_rows(html, "headline")[0][1]


def approve(gunicorn, token: str, report: QuarterlyReport) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{gunicorn.url}/api/v1/reports/{report.pk}/approve/",
        data=json.dumps({"version": report.version, "comment": "Đồng ý."}).encode(),
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_approvals_and_dashboards_carry_on_while_redis_is_down_and_catch_up_after(
    laocai,
    redis,  # noqa: F811
    stack,
):
    from rest_framework.authtoken.models import Token

    gunicorn, worker = stack
    UserFactory(username="official", roles=[Role.OFFICIAL])
    # Signed in with the production password hasher, as gunicorn checks it.
    gunicorn.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; u = User.objects.get(username='official');"
        " u.set_password('official-password'); u.save()",
    )
    official = Browser(gunicorn.url)
    assert official.submit("/accounts/login/", username="official", password="official-password")
    assert national_bts(official) == "1.000"
    token = Token.objects.create(user=UserFactory(username="reviewer", roles=[Role.REVIEWER])).key
    report = submitted_report(laocai, 20214, 1300)

    redis.stop()
    try:
        status, body = approve(gunicorn, token, report)
        assert status == 200, body
        assert body["status"] == ReportStatus.APPROVED
        assert PendingRecompute.objects.filter(agreement=laocai.agreement).exists()
        # No cache and no broker: the page is rendered afresh, with the figures not yet redone.
        assert national_bts(official) == "1.000"
    finally:
        redis.start()

    caught_up = wait_until(lambda: national_bts(official) == "1.300", CATCH_UP_WAIT, 0.5)
    assert caught_up, f"no catch-up; the worker said:\n{worker.output()[-3000:]}"
    assert not PendingRecompute.objects.exists()
