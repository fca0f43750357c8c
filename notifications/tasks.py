"""The outbox and the daily notices as Celery jobs.

Sending is by id and idempotent (a notice already sent or being sent is left
alone), so a duplicate delivery of a job, or a beat run at the same time, is harmless.
"""

from celery import shared_task

from core.queue import publish_on_commit

from . import daily, outbox


@shared_task(acks_late=True)
def send_notification(notice_id: int) -> bool:
    """Send one notice written by an event; the scheduled run retries a failure."""
    try:
        return outbox.deliver(notice_id)
    except outbox.SERVER_DOWN:
        # Recorded on the notice with its next attempt: the beat run takes it from there.
        return False


@shared_task(acks_late=True)
def send_due_notifications() -> int:
    return outbox.send_due()


@shared_task(acks_late=True)
def queue_daily_notifications() -> int:
    """Write today's reminders and digests (once the day's hour has come) and send them;
    forget the notices past their keeping time."""
    outbox.prune()
    return send_on_commit(daily.write_daily_notices())


def send_on_commit(notices) -> int:
    """Queue each notice that has an address for sending once the transaction commits."""
    count = 0
    for notice in notices:
        if notice is not None and notice.email:
            publish_on_commit(send_notification, notice.pk)
            count += 1
    return count
