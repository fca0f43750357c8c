"""A batch that changes one agreement many times in one transaction (an import, several
approvals) queues each of its jobs once, on a real Redis broker; separate transactions
each queue their own."""

import json

import pytest
import redis as redis_client
from django.db import transaction

from milestones import services
from milestones.models import ReportStatus

from .factories import submitted_report
from .services import publishing_to
from .test_celery_redis import redis  # noqa: F401  (the module's Redis server)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(redis):  # noqa: F811
    """The jobs waiting in the broker's default queue, as (task, arguments)."""
    client = redis_client.Redis.from_url(redis.url)
    client.flushdb()

    def waiting() -> list[tuple[str, str]]:
        messages = [json.loads(raw) for raw in client.lrange("celery", 0, -1)]
        return [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages]

    with publishing_to(redis.url):
        yield waiting
    client.close()


def recomputes(waiting) -> list[str]:
    return [args for task, args in waiting if task == "progress.tasks.recompute_agreement"]


def test_approving_several_reports_of_an_agreement_at_once_queues_one_recompute(
    laocai, quangbinh, reviewer, queue
):
    reports = [
        submitted_report(laocai, 20214, 1100),
        submitted_report(laocai, 20221, 1100),
        submitted_report(quangbinh, 20214, 1100),
    ]

    with transaction.atomic():
        for report in reports:
            services.approve_report(report, reviewer, version=report.version)

    assert sorted(recomputes(queue())) == sorted(
        [f"({laocai.agreement.pk},)", f"({quangbinh.agreement.pk},)"]
    )


def test_each_transaction_queues_its_own_jobs(laocai, reviewer, queue):
    for quarter in (20214, 20221):
        report = submitted_report(laocai, quarter, 1100)
        services.approve_report(report, reviewer, version=report.version)

    assert recomputes(queue()) == [f"({laocai.agreement.pk},)"] * 2


def test_a_job_asked_for_in_a_rolled_back_savepoint_is_still_queued_by_the_rest(
    laocai, reviewer, queue
):
    first, second = submitted_report(laocai, 20214, 1100), submitted_report(laocai, 20221, 1100)

    with transaction.atomic():
        try:
            with transaction.atomic():
                services.approve_report(first, reviewer, version=first.version)
                raise services.ReportError("undone")
        except services.ReportError:
            pass
        services.approve_report(second, reviewer, version=second.version)

    assert recomputes(queue()) == [f"({laocai.agreement.pk},)"]
    first.refresh_from_db()
    assert first.status == ReportStatus.SUBMITTED
