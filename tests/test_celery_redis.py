"""The recompute through a real Redis and a real Celery worker, as in production.

The test starts `redis-server` and `celery -A config worker --beat` itself, on
127.0.0.1; the worker works on the test database, so these tests run on
PostgreSQL (`make test` does), not on SQLite's private in-memory database.
"""

import logging
import os
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection

from milestones import services
from milestones.models import ReportStatus
from progress import services as progress
from progress.models import NationalProgress, PendingRecompute

from .factories import submitted_report
from .services import REDIS_SERVER, Redis, Worker, publishing_to, wait_until
from .test_dashboards import EN, table_rows

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Bounded waits: a worker picks a task up within a second or two; reconnecting
# after Redis comes back and the next pending sweep take a few seconds more.
RECOMPUTE_WAIT = 30
CATCH_UP_WAIT = 90


def database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}"
        f":{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture(scope="module")
def redis():
    if not os.path.exists(REDIS_SERVER):
        pytest.skip("redis-server is not installed: run scripts/install-system-deps")
    server = Redis()
    server.start()
    yield server
    server.close()


@pytest.fixture
def worker(redis, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the Celery worker is another process and cannot open SQLite's in-memory test "
            "database; `make test` runs these tests on PostgreSQL"
        )
    process = Worker(
        redis.url,
        database_url(),
        # The pending sweep every two seconds, so catching up is quick to observe.
        {"PROGRESS_PENDING_SECONDS": "2", "PROGRESS_RECOMPUTE_SECONDS": "3600"},
    )
    process.start()
    yield process
    process.stop()


def national_bts(client) -> str:
    response = client.get("/", **EN)
    assert response.status_code == 200
    return table_rows(response.content.decode(), "headline")[0][1]


@pytest.fixture
def dashboard(laocai, official, client):
    laocai.bts_total.is_headline = True
    laocai.bts_total.save()
    progress.recompute_all()
    cache.clear()
    client.force_login(official)
    return client


def test_it_changes_the_national_dashboard_soon_after_an_approval(
    laocai, reviewer, dashboard, redis, worker
):
    assert national_bts(dashboard) == "1,000"
    report = submitted_report(laocai, 20214, 1250)
    with publishing_to(redis.url):
        services.approve_report(report, reviewer, version=report.version)

    shown = wait_until(lambda: national_bts(dashboard) == "1,250", RECOMPUTE_WAIT)
    assert shown, f"the dashboard still shows {national_bts(dashboard)}:\n{worker.output()[-2000:]}"
    assert "progress.tasks.recompute_agreement" in worker.output()
    assert not PendingRecompute.objects.exists()


def test_it_catches_up_after_redis_was_down_during_an_approval(
    laocai, reviewer, dashboard, redis, worker, caplog
):
    report = submitted_report(laocai, 20214, 1300)
    redis.stop()
    try:
        with (
            publishing_to(redis.url),
            caplog.at_level(logging.WARNING, logger="progress.tasks"),
        ):
            services.approve_report(report, reviewer, version=report.version)
    finally:
        redis.start()

    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert "stays pending" in caplog.text
    assert PendingRecompute.objects.filter(agreement=laocai.agreement).exists()
    assert national_bts(dashboard) == "1,000"

    caught_up = wait_until(lambda: national_bts(dashboard) == "1,300", CATCH_UP_WAIT, 0.5)
    assert caught_up, f"no catch-up; worker said:\n{worker.output()[-3000:]}"
    assert not PendingRecompute.objects.exists()
    national = NationalProgress.objects.get(kpi=laocai.bts_total)
    assert national.value == Decimal(1300)
