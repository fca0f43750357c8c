"""The outbox with a real Redis, real Celery workers and PostgreSQL: nothing lost, nothing twice.

Redis is stopped while reviewers return reports; once it is back, the worker's
beat run sends every notice exactly once. Two runs of the outbox at once, in two
threads and in two worker processes, send each notice once between them. The
workers write their mail to files (Django's file backend), which the tests read.
"""

import re
import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, connections

from milestones import services as workflow
from milestones.models import ReportStatus
from notifications import outbox
from notifications.models import Kind, Notification, Status

from .factories import NotificationFactory, submitted_report
from .services import Worker, publishing_to, wait_until
from .test_celery_redis import database_url, redis  # noqa: F401  (the module's Redis server)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT = 90
NOTICE_HEADER = re.compile(r"^X-Portal-Notification: (\d+)$", re.MULTILINE)


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the workers are other processes: run on PostgreSQL (`make test` does)")


def worker_for(redis_url: str, mailbox: Path) -> Worker:
    return Worker(
        redis_url,
        database_url(),
        {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mailbox),
            "NOTIFICATION_SEND_SECONDS": "1",
            "NOTIFICATION_SCHEDULE_SECONDS": "3600",
            "PROGRESS_PENDING_SECONDS": "3600",
            "PROGRESS_RECOMPUTE_SECONDS": "3600",
        },
    )


def delivered(mailbox: Path) -> list[int]:
    """The notice id of every message the workers wrote, as many times as each was written."""
    return [
        int(found)
        for path in sorted(mailbox.glob("*.log"))
        for found in NOTICE_HEADER.findall(path.read_text(errors="replace"))
    ]


QUARTERS = (20214, 20221, 20222, 20223, 20224, 20231, 20232, 20233, 20234, 20241)


def test_notices_written_while_redis_is_down_are_each_sent_once_it_is_back(
    laocai,
    quangbinh,
    staff_laocai,
    staff_quangtri,
    reviewer,
    redis,  # noqa: F811
    tmp_path,
):
    needs_postgresql()
    # Twenty returns while Redis is down, in two provinces, as a reviewer's busy morning.
    during = [
        submitted_report(scenario, quarter)
        for scenario in (laocai, quangbinh)
        for quarter in QUARTERS
    ]
    after = submitted_report(laocai, 20242)
    worker = worker_for(redis.url, tmp_path)
    worker.start()
    try:
        redis.stop()
        try:
            with publishing_to(redis.url):
                for report in during:
                    workflow.return_report(report, reviewer, report.version, "Thiếu số liệu.")
        finally:
            redis.start()
        waiting = Notification.objects.filter(kind=Kind.RETURNED)
        assert waiting.count() == 20, "each return wrote its notice though Redis was down"
        assert set(waiting.values_list("status", flat=True)) == {Status.PENDING}
        during[0].refresh_from_db()
        assert during[0].status == ReportStatus.RETURNED, "the decision stands"

        # With Redis back, the job queued on commit and the beat run race for this one.
        with publishing_to(redis.url):
            workflow.return_report(after, reviewer, after.version, "Thiếu số liệu.")

        sent = wait_until(
            lambda: Notification.objects.filter(status=Status.SENT).count() == 21, WAIT, 0.5
        )
        assert sent, f"not all sent; the worker said:\n{worker.output()[-3000:]}"
        time.sleep(3)  # a few more beat runs, which must find nothing left to send
    finally:
        worker.stop()
    notices = sorted(Notification.objects.values_list("pk", flat=True))
    assert sorted(delivered(tmp_path)) == notices, "every notice exactly once"
    recipients = Notification.objects.values_list("recipient__username", flat=True)
    assert sorted(set(recipients)) == ["staff_laocai", "staff_quangtri"]
    assert list(recipients).count("staff_quangtri") == 10, "each province's own staff"


def pending_notices(user, count: int) -> list[int]:
    return [NotificationFactory(recipient=user).pk for _ in range(count)]


def test_two_outbox_runs_at_once_send_nothing_twice(staff_laocai, settings):
    needs_postgresql()
    settings.EMAIL_BACKEND = "tests.mail_backends.SlowLocmemBackend"
    notices = pending_notices(staff_laocai, 30)
    start = threading.Barrier(2)
    counts = []

    def run():
        try:
            start.wait()
            counts.append(outbox.send_due())
        finally:
            connections.close_all()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(60)

    sent = sorted(int(message.extra_headers["X-Portal-Notification"]) for message in mail.outbox)
    assert sent == sorted(notices)
    assert sum(counts) == 30
    assert min(counts) > 0, "both runs sent some: they did run at the same time"
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_two_workers_with_their_beats_send_each_notice_once(
    staff_laocai,
    redis,  # noqa: F811
    tmp_path,
):
    needs_postgresql()
    notices = pending_notices(staff_laocai, 30)
    workers = [worker_for(redis.url, tmp_path), worker_for(redis.url, tmp_path)]
    try:
        for worker in workers:
            worker.start()
        done = wait_until(
            lambda: not Notification.objects.exclude(status=Status.SENT).exists(), WAIT, 0.5
        )
        assert done, workers[0].output()[-3000:]
        time.sleep(3)
    finally:
        for worker in workers:
            worker.stop()
    assert sorted(delivered(tmp_path)) == sorted(notices)
