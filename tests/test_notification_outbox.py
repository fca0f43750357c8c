"""The outbox keeps every notice through a broker or mail server outage, and sends it once.

The mail server here is a real SMTP connection to a port where nothing listens,
and the broker a real Redis URL with no Redis behind it: both fail as they do in
production. The scheduled run (`send_due_notifications`) then sends what waited.
"""

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from milestones import services as workflow
from milestones.models import ReportStatus
from notifications import outbox
from notifications.models import Kind, Notification, Status
from notifications.tasks import send_due_notifications, send_notification

from .factories import NotificationFactory, submitted_report
from .services import free_port, publishing_to

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def returned(laocai, staff_laocai, reviewer):
    """Return a submitted report of Lào Cai; its staff member is told."""

    def return_one(quarter=20214, comment="Số trạm 4G cần kiểm tra lại."):
        report = submitted_report(laocai, quarter)
        return workflow.return_report(report, reviewer, report.version, comment)

    return return_one


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2


def later(minutes: int):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


def test_a_broker_outage_leaves_the_notice_waiting_and_the_next_run_sends_it(
    returned, staff_laocai, django_capture_on_commit_callbacks, caplog
):
    with (
        publishing_to(f"redis://127.0.0.1:{free_port()}/0"),
        caplog.at_level(logging.WARNING, logger="core.queue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = returned()
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED, "the decision stands"
    assert "Could not queue notifications.tasks.send_notification" in caplog.text
    notice = Notification.objects.get()
    assert (notice.status, notice.attempts, mail.outbox) == (Status.PENDING, 0, [])

    assert send_due_notifications() == 1
    assert [message.to for message in mail.outbox] == [[staff_laocai.email]]
    assert "Số trạm 4G cần kiểm tra lại." in mail.outbox[0].body
    assert send_due_notifications() == 0, "sent once"
    assert len(mail.outbox) == 1


def test_a_mail_server_outage_retries_with_backoff_until_it_is_back(
    returned, settings, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        returned()
    notice = Notification.objects.get()
    assert notice.status == Status.PENDING
    assert notice.attempts == 1
    assert "ConnectionRefusedError" in notice.last_error
    first_wait = notice.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=50) < first_wait <= datetime.timedelta(seconds=60)

    assert send_due_notifications() == 0, "not due again yet"
    with later(2):
        assert send_due_notifications() == 0
    notice.refresh_from_db()
    assert notice.attempts == 2
    assert notice.next_attempt_at - timezone.now() > datetime.timedelta(minutes=3), "doubled"

    settings.EMAIL_BACKEND = LOCMEM_BACKEND
    with later(5):
        assert send_due_notifications() == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error) == (Status.SENT, 3, "")
    assert len(mail.outbox) == 1


def test_a_batch_stops_at_the_first_unreachable_server_and_loses_nothing(
    returned, mail_server_down, settings
):
    for quarter in (20214, 20221, 20222):
        returned(quarter=quarter)
    assert Notification.objects.filter(status=Status.PENDING, attempts=0).count() == 3

    assert send_due_notifications() == 0
    attempts = sorted(Notification.objects.values_list("attempts", flat=True))
    assert attempts == [0, 0, 1], "one try against a server that is down, not one a notice"

    settings.EMAIL_BACKEND = LOCMEM_BACKEND
    with later(2):
        assert send_due_notifications() == 3
    assert len(mail.outbox) == 3


def test_a_notice_that_keeps_failing_is_marked_failed_and_can_be_sent_again(
    returned, settings, mail_server_down, client, admin_user
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    returned()
    for minutes in (0, 2, 10):
        with later(minutes):
            send_due_notifications()
    notice = Notification.objects.get()
    assert (notice.status, notice.attempts) == (Status.FAILED, 3)
    with later(600):
        assert send_due_notifications() == 0, "given up on until someone asks again"

    settings.EMAIL_BACKEND = LOCMEM_BACKEND
    client.force_login(admin_user)
    client.post(
        "/admin/notifications/notification/",
        {"action": "send_again", "_selected_action": [notice.pk]},
    )
    assert send_due_notifications() == 1
    notice.refresh_from_db()
    assert notice.status == Status.SENT


def test_a_notice_claimed_elsewhere_is_not_sent_twice(returned):
    returned()
    notice = Notification.objects.get()
    assert outbox.claim(notice.pk, timezone.now())
    assert send_notification(notice.pk) is False
    assert send_due_notifications() == 0
    assert mail.outbox == []


def test_a_notice_whose_sender_died_is_sent_after_the_claim_expires(returned):
    returned()
    notice = Notification.objects.get()
    assert outbox.claim(notice.pk, timezone.now())
    with later(5):
        assert send_due_notifications() == 0, "the sender may still be at work"
    with later(11):
        assert send_due_notifications() == 1
    assert len(mail.outbox) == 1


def test_the_mail_says_what_to_do_and_has_html_and_text(returned, staff_laocai):
    returned()
    send_due_notifications()
    (message,) = mail.outbox
    assert message.subject.startswith("Đề nghị chỉnh sửa và nộp lại: ")
    assert message.alternatives[0].mimetype == "text/html"
    html = message.alternatives[0].content
    assert "Số trạm 4G cần kiểm tra lại." in html
    assert "<script" not in html
    assert message.extra_headers["X-Portal-Notification"] == str(Notification.objects.get().pk)
    assert Notification.objects.get().kind == Kind.RETURNED


def test_a_comment_with_markup_is_shown_as_text(returned):
    returned(comment="<b>Sai</b> số liệu <script>alert(1)</script>")
    send_due_notifications()
    html = mail.outbox[0].alternatives[0].content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in mail.outbox[0].body, "plain text stays plain"


def test_the_command_does_the_beats_work_without_a_broker(laocai, staff_laocai, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.REPORT_DUE_DAYS = 20
    # 08:30 on 28/01/2022 in Hà Nội: Q4/2021 was due on 20/01/2022, so a week overdue today.
    out = StringIO()
    with time_machine.travel(datetime.datetime(2022, 1, 28, 1, 30, tzinfo=datetime.UTC)):
        call_command("send_notifications", stdout=out)
        call_command("send_notifications", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 notice written, 1 sent, 0 waiting, 0 failed",
        "0 notices written, 0 sent, 0 waiting, 0 failed",
    ]
    (message,) = mail.outbox
    assert message.to == [staff_laocai.email]
    assert message.subject == "Quá hạn: đề nghị nộp 1 báo cáo quý"


def test_the_command_counts_in_vietnamese_when_asked(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_notifications", "--language", "vi", stdout=out)
    assert out.getvalue() == "Đã tạo 0 thông báo, đã gửi 0, đang chờ 0, thất bại 0\n"


def test_delivered_notices_are_forgotten_after_a_year_and_failed_ones_kept(db, settings):
    settings.NOTIFICATIONS_KEEP_DAYS = 365
    now = timezone.now()
    old = now - datetime.timedelta(days=400)
    delivered = NotificationFactory(status=Status.SENT, created_at=old)
    shown = NotificationFactory(status=Status.PORTAL_ONLY, created_at=old)
    failed = NotificationFactory(status=Status.FAILED, created_at=old)
    waiting = NotificationFactory(status=Status.PENDING, created_at=old)
    recent = NotificationFactory(status=Status.SENT, created_at=now - datetime.timedelta(days=30))

    assert outbox.prune(now) == 2

    kept = set(Notification.objects.values_list("pk", flat=True))
    assert kept == {failed.pk, waiting.pk, recent.pk}
    assert not {delivered.pk, shown.pk} & kept
