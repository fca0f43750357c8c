"""A worker killed in the middle of a full rebuild: the figures stay whole, the run is marked
failed, and the job is done again by the next worker.

Real Redis and real Celery workers on the test database, so this runs in the PostgreSQL
pass with the other `services` tests.
"""

import time

import pytest
from django.core.management import call_command

from progress.models import NationalProgress, RecomputeRun, RecomputeStatus
from progress.tasks import recompute_all

from .services import Worker, publishing_to, wait_until
from .test_celery_redis import database_url, redis  # noqa: F401  (the module's Redis server)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# The job is delivered again this many seconds after its worker died, and a run left
# "running" this long counts as interrupted: both short, so the test observes them.
FAULT_ENV = {
    "CELERY_VISIBILITY_TIMEOUT": "4",
    "RECOMPUTE_INTERRUPTED_SECONDS": "2",
    "PROGRESS_PENDING_SECONDS": "2",
    "PROGRESS_RECOMPUTE_SECONDS": "3600",
}
WAIT = 90


def full_runs(status):
    return RecomputeRun.objects.filter(agreement__isnull=True, status=status)


def test_a_rebuild_whose_worker_is_killed_is_failed_and_done_again(redis):  # noqa: F811
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the workers are other processes: run on PostgreSQL (`make test` does)")
    # Enough data that a full rebuild takes a few seconds, with no figures computed yet.
    call_command(
        "generate_scale_data", agreements=200, kpis=20, no_recompute=True, yes=True, verbosity=0
    )
    first = Worker(redis.url, database_url(), FAULT_ENV)
    first.start()
    try:
        with publishing_to(redis.url):
            recompute_all.delay()
        assert wait_until(lambda: full_runs(RecomputeStatus.RUNNING).exists(), WAIT)
        first.process.kill()
        first.process.wait()
    finally:
        first.stop()
    assert not NationalProgress.objects.exists(), "a rebuild killed half-way wrote nothing"
    # The next worker takes back, when it starts, the jobs left unacknowledged longer than
    # the visibility timeout: a supervisor restarts it after a pause anyway.
    time.sleep(int(FAULT_ENV["CELERY_VISIBILITY_TIMEOUT"]) + 1)

    second = Worker(redis.url, database_url(), FAULT_ENV)
    second.start()
    try:
        assert wait_until(lambda: full_runs(RecomputeStatus.SUCCEEDED).exists(), WAIT), (
            second.output()[-3000:]
        )
        assert wait_until(lambda: full_runs(RecomputeStatus.FAILED).exists(), WAIT)
    finally:
        second.stop()
    interrupted = full_runs(RecomputeStatus.FAILED).get()
    assert "Interrupted" in interrupted.error
    assert NationalProgress.objects.exists()
