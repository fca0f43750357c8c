"""Sending the outbox: each notice claimed by one conditional UPDATE, sent, and recorded.

Two workers, or the job queued on commit and the scheduled run, may reach the
same notice together; only the one whose UPDATE changes the row from pending to
sending sends it. A notice whose worker died while sending is released after
CLAIM_TIMEOUT and sent again: a mail server that accepted it just before the
crash may then deliver it twice, the only way a notice is sent twice.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.utils import timezone

from . import summary
from .models import Kind, Notification, Status
from .services import unsubscribe_url

logger = logging.getLogger(__name__)

# Far longer than one message takes, even with the SMTP timeout reached twice.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
BATCH = 200
LONGEST_WAIT = 3600
# These mean the mail server cannot be reached: the rest of the batch waits for the next run.
SERVER_DOWN = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)


def claim(notice_id: int, now: datetime.datetime) -> bool:
    """Take a due notice for sending; False when it is not due or someone else took it."""
    claimed = Notification.objects.filter(
        pk=notice_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return claimed == 1


def retry_delay(attempts: int) -> datetime.timedelta:
    """Doubling from NOTIFICATION_RETRY_SECONDS after each failure, up to an hour."""
    seconds = settings.NOTIFICATION_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, LONGEST_WAIT))


def message_for(notice: Notification, connection=None) -> EmailMultiAlternatives:
    unsubscribe = unsubscribe_url(notice.recipient_id, notice.kind)
    message = EmailMultiAlternatives(
        subject=notice.subject,
        body=notice.body_text,
        to=[notice.email],
        connection=connection,
        headers={
            "X-Portal-Notification": str(notice.pk),
            # Mail programs show their own unsubscribe button from these (RFC 8058).
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(notice.body_html, "text/html")
    if notice.kind == Kind.MONTHLY_SUMMARY:
        pack = summary.review_pack(notice)
        if pack:
            message.attach(*pack, "application/pdf")
    return message


def deliver(notice_id: int, connection=None) -> bool:
    """Send one notice if it is due and nobody else is sending it; True once sent.

    A failure leaves it pending for a later attempt (or failed after
    NOTIFICATION_MAX_ATTEMPTS) and is raised again only when the mail server
    cannot be reached, so that a batch stops trying.
    """
    if not claim(notice_id, timezone.now()):
        return False
    notice = Notification.objects.get(pk=notice_id)
    try:
        message_for(notice, connection).send()
    except Exception as exc:
        _record_failure(notice, exc)
        if isinstance(exc, SERVER_DOWN):
            raise
        return False
    Notification.objects.filter(pk=notice_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), claimed_at=None, last_error=""
    )
    return True


def _record_failure(notice: Notification, exc: Exception):
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if notice.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        changes = {"status": Status.FAILED}
        logger.error(
            "Notification %s failed for good after %s attempts: %s",
            notice.pk,
            notice.attempts,
            error,
        )
    else:
        changes = {
            "status": Status.PENDING,
            "next_attempt_at": timezone.now() + retry_delay(notice.attempts),
        }
        logger.warning(
            "Notification %s not sent (attempt %s), will retry: %s",
            notice.pk,
            notice.attempts,
            error,
        )
    Notification.objects.filter(pk=notice.pk, status=Status.SENDING).update(
        claimed_at=None, last_error=error, **changes
    )


def release_abandoned(now: datetime.datetime | None = None) -> int:
    """Give back notices whose sender died: claimed longer ago than CLAIM_TIMEOUT."""
    now = now or timezone.now()
    return Notification.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(status=Status.PENDING, claimed_at=None, next_attempt_at=now)


def prune(now: datetime.datetime | None = None) -> int:
    """Forget notices delivered (or shown in the portal) more than NOTIFICATIONS_KEEP_DAYS ago.

    Failed and waiting notices stay whatever their age, for the admin to see and
    send again; the daily job runs this once a day. Returns how many were deleted.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.NOTIFICATIONS_KEEP_DAYS)
    deleted, _by_model = Notification.objects.filter(
        status__in=(Status.SENT, Status.PORTAL_ONLY), created_at__lt=cutoff
    ).delete()
    return deleted


def send_due(limit: int = BATCH) -> int:
    """Send every notice that is due, oldest first; returns how many were sent.

    Run by Celery beat; any number of runs at once send each notice once.
    """
    now = timezone.now()
    release_abandoned(now)
    due = list(
        Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    connection = get_connection()
    try:
        for notice_id in due:
            sent += deliver(notice_id, connection)
    except SERVER_DOWN:
        logger.warning("The mail server cannot be reached; %s notices wait", len(due) - sent)
    finally:
        connection.close()
    return sent
