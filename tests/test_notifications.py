"""Reminders, returned notices, reviewer digests and the choices people make, on a frozen clock.

Q3/2025 ends on 30/09/2025 and, with REPORT_DUE_DAYS at 20, is due on 20/10/2025:
the worklist counts it overdue from 21/10/2025. Each test runs the daily job on
the days around that deadline, at 08:00 in Vietnam unless it says otherwise, and
reads the mail the outbox sent.
"""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from milestones import services as workflow
from milestones.models import ReportStatus
from notifications.models import DailyRun, Kind, Notification, Preference, Status
from notifications.tasks import queue_daily_notifications
from provinces.access import Role

from .conftest import VIETNAM
from .factories import (
    AgreementFactory,
    OrganisationFactory,
    PhaseFactory,
    QuarterlyReportFactory,
    UserFactory,
)

DEADLINE = datetime.date(2025, 10, 20)
Q3 = 20253
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def due_days(settings):
    settings.REPORT_DUE_DAYS = 20
    settings.NOTIFICATION_HOUR = 7
    settings.PORTAL_URL = "https://portal.example.vn"


def agreement_in(province, title, signed_on=datetime.date(2025, 7, 10)):
    return AgreementFactory(
        counterparty=OrganisationFactory(province=province),
        phase=PhaseFactory(start_year=2025, end_year=2030),
        signed_on=signed_on,
        title=title,
    )


@pytest.fixture
def world(provinces, staff_laocai, staff_quangtri):
    """Two Lào Cai agreements and one of Quảng Trị, each owing Q3/2025 from 20/10/2025."""
    # A former unit signed before the merger; its Q2/2025 report is in.
    yenbai = agreement_in(
        provinces.former_yen_bai, "Thỏa thuận Yên Bái – VNPT", datetime.date(2025, 6, 10)
    )
    QuarterlyReportFactory(agreement=yenbai, quarter=20252, status=ReportStatus.APPROVED)
    return {
        "laocai": agreement_in(provinces.lao_cai, "Thỏa thuận Lào Cai – VNPT"),
        "yenbai": yenbai,
        "quangtri": agreement_in(provinces.quang_tri, "Thỏa thuận Quảng Trị – VNPT"),
    }


def at(day: datetime.date, hour: int = 8, minute: int = 0):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM), tick=False
    )


def run_daily_job(capture, day: datetime.date, hour: int = 8):
    """The beat's daily job on `day`, with what it queues on commit sent as a worker would."""
    mail.outbox.clear()
    with at(day, hour), capture(execute=True):
        queue_daily_notifications()
    return list(mail.outbox)


def mails_to(messages, user):
    return [message for message in messages if message.to == [user.email]]


def day(offset: int) -> datetime.date:
    return DEADLINE + datetime.timedelta(days=offset)


# Who gets which reminder, day by day ------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-8, None),
        (-7, "Due in 7 days"),
        (-6, None),
        (-2, None),
        (-1, "Due in 1 day"),
        (0, None),
        (1, "Overdue by 1 day"),
        (2, None),
        (7, None),
        (8, "Overdue by 8 days"),
        (15, "Overdue by 15 days"),
    ],
)
def test_a_staff_member_is_reminded_on_the_days_around_a_deadline(
    world, staff_laocai, django_capture_on_commit_callbacks, offset, expected
):
    Preference.objects.create(user=staff_laocai, language="en")
    sent = mails_to(run_daily_job(django_capture_on_commit_callbacks, day(offset)), staff_laocai)
    if expected is None:
        assert sent == []
        return
    assert len(sent) == 1, "one e-mail a day at most"
    assert sent[0].body.count(expected) == 2, "both Lào Cai reports, former Yên Bái's included"


def test_the_mail_groups_every_report_and_links_each(
    world, staff_laocai, staff_quangtri, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=staff_laocai, language="en")
    sent = run_daily_job(django_capture_on_commit_callbacks, day(-7))

    (laocai_mail,) = mails_to(sent, staff_laocai)
    assert laocai_mail.subject == "Submit 2 quarterly reports by 20 Oct 2025"
    for agreement in (world["laocai"], world["yenbai"]):
        link = f"https://portal.example.vn/reports/{agreement.pk}/{Q3}/edit/"
        assert agreement.title in laocai_mail.body
        assert link in laocai_mail.body
        assert f'href="{link}"' in laocai_mail.alternatives[0].content
    assert world["quangtri"].title not in laocai_mail.body, "only their own provinces"
    (quangtri_mail,) = mails_to(sent, staff_quangtri)
    assert world["quangtri"].title in quangtri_mail.body


def test_a_second_run_the_same_day_sends_nothing_more(
    world, staff_laocai, django_capture_on_commit_callbacks
):
    assert (
        len(mails_to(run_daily_job(django_capture_on_commit_callbacks, day(-1)), staff_laocai)) == 1
    )
    DailyRun.objects.all().delete()  # as if the first run had stopped half-way
    assert run_daily_job(django_capture_on_commit_callbacks, day(-1), hour=15) == []
    assert Notification.objects.filter(recipient=staff_laocai).count() == 1


def test_the_day_starts_at_the_hour_in_vietnam(
    world, staff_laocai, django_capture_on_commit_callbacks
):
    # 06:30 on 13/10 in Hà Nội is still 12/10 in UTC; 07:30 is 13/10 there too.
    assert run_daily_job(django_capture_on_commit_callbacks, day(-7), hour=6) == []
    sent = run_daily_job(django_capture_on_commit_callbacks, day(-7), hour=7)
    assert len(mails_to(sent, staff_laocai)) == 1
    assert Notification.objects.get(recipient=staff_laocai).key == "2025-10-13"


def test_weekly_overdue_notices_stop_once_the_report_is_submitted(
    world, staff_laocai, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=staff_laocai, language="en")
    first = mails_to(run_daily_job(django_capture_on_commit_callbacks, day(1)), staff_laocai)
    assert first[0].subject == "Overdue: submit 2 quarterly reports"

    QuarterlyReportFactory(agreement=world["laocai"], quarter=Q3, submitted=True)
    (week,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, day(8)), staff_laocai)
    assert week.subject == "Overdue: submit 1 quarterly report"
    assert world["laocai"].title not in week.body
    assert world["yenbai"].title in week.body

    QuarterlyReportFactory(agreement=world["yenbai"], quarter=Q3, submitted=True)
    assert mails_to(run_daily_job(django_capture_on_commit_callbacks, day(15)), staff_laocai) == []


def test_a_returned_report_is_overdue_again(
    world, staff_laocai, reviewer, django_capture_on_commit_callbacks
):
    for agreement in (world["laocai"], world["yenbai"]):
        QuarterlyReportFactory(agreement=agreement, quarter=Q3, submitted=True)
    assert mails_to(run_daily_job(django_capture_on_commit_callbacks, day(1)), staff_laocai) == []
    report = world["laocai"].reports.get()
    workflow.return_report(report, reviewer, report.version, "Thiếu số liệu tháng 9.")
    (week,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, day(8)), staff_laocai)
    assert world["laocai"].title in week.body
    assert world["yenbai"].title not in week.body


# A returned report: at once, with the comment ------------------------------------------


def test_a_returned_report_sends_its_comment_at_once(
    world, staff_laocai, staff_quangtri, reviewer, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=staff_laocai, language="en")
    report = QuarterlyReportFactory(agreement=world["yenbai"], quarter=Q3, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_report(report, reviewer, report.version, "Số trạm 4G cần kiểm tra lại.")

    (message,) = mail.outbox
    assert message.to == [staff_laocai.email], "the staff of the province, no one else"
    assert message.subject.startswith("Correct and resubmit: Thỏa thuận Yên Bái – VNPT")
    assert "Số trạm 4G cần kiểm tra lại." in message.body
    assert "reviewer returned the report" in message.body
    assert f"https://portal.example.vn/reports/{world['yenbai'].pk}/{Q3}/edit/" in message.body
    notice = Notification.objects.get()
    assert (notice.kind, notice.status, notice.attempts) == (Kind.RETURNED, Status.SENT, 1)


def test_a_refused_return_writes_no_notice(world, staff_laocai, reviewer):
    report = QuarterlyReportFactory(agreement=world["laocai"], quarter=Q3, submitted=True)
    with pytest.raises(workflow.ReportConflict):
        workflow.return_report(report, reviewer, report.version - 1, "Sai phiên bản.")
    assert not Notification.objects.exists(), "the notice rolls back with the decision"


def test_approval_notices_are_off_until_asked_for(
    world, staff_laocai, reviewer, django_capture_on_commit_callbacks
):
    report = QuarterlyReportFactory(agreement=world["laocai"], quarter=Q3, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_report(report, reviewer, report.version)
    assert mail.outbox == []

    Preference.objects.create(user=staff_laocai, approved=True)
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        report = workflow.reopen_report(report, UserFactory(is_superuser=True), "Kiểm toán.")
    report.refresh_from_db()
    report.status = ReportStatus.SUBMITTED
    report.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_report(report, reviewer, report.version)
    subjects = [message.subject for message in mail.outbox]
    assert subjects[0].startswith("Đã mở lại, đề nghị chỉnh sửa và nộp lại"), (
        "the reopening, in Vietnamese by default"
    )
    assert "Lý do mở lại:\nKiểm toán." in mail.outbox[0].body
    assert subjects[1].startswith("Đã được duyệt, không cần bổ sung")


# The reviewers' digest -----------------------------------------------------------------


@pytest.fixture
def waiting(world):
    """Three submitted reports: two of Lào Cai (one older), one of Quảng Trị."""
    submitted = {}
    for name, when in (("yenbai", 14), ("laocai", 16), ("quangtri", 15)):
        submitted[name] = QuarterlyReportFactory(
            agreement=world[name],
            quarter=Q3,
            submitted=True,
            submitted_at=datetime.datetime(2025, 10, when, 9, tzinfo=VIETNAM),
        )
    return submitted


def test_a_reviewer_gets_one_digest_of_their_provinces_oldest_first(
    provinces, waiting, django_capture_on_commit_callbacks
):
    laocai_reviewer = UserFactory(
        username="reviewer_laocai", roles=[Role.REVIEWER], provinces=[provinces.lao_cai]
    )
    Preference.objects.create(user=laocai_reviewer, language="en")
    sent = mails_to(run_daily_job(django_capture_on_commit_callbacks, day(-3)), laocai_reviewer)

    (digest,) = sent
    assert digest.subject == "Review 2 reports waiting for you"
    assert "Quảng Trị" not in digest.body
    yenbai, laocai = digest.body.index("Yên Bái"), digest.body.index("Thỏa thuận Lào Cai")
    assert yenbai < laocai, "the oldest first"
    assert "waiting: 3 days" in digest.body
    assert "waiting: 1 day)" in digest.body
    assert f"https://portal.example.vn/reports/{waiting['yenbai'].pk}/" in digest.body


def test_a_reviewer_without_provinces_sees_every_waiting_report(
    reviewer, waiting, django_capture_on_commit_callbacks
):
    (digest,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, day(-3)), reviewer)
    assert all(name in digest.body for name in ("Yên Bái", "Lào Cai", "Quảng Trị"))


def test_no_digest_when_nothing_waits(reviewer, world, django_capture_on_commit_callbacks):
    assert mails_to(run_daily_job(django_capture_on_commit_callbacks, day(-3)), reviewer) == []
    assert not Notification.objects.filter(recipient=reviewer).exists()


def test_a_staff_reviewer_is_not_told_to_review_their_own_submission(
    provinces, waiting, reviewer, django_capture_on_commit_callbacks
):
    both = UserFactory(
        username="s_na", roles=[Role.STAFF, Role.REVIEWER], provinces=[provinces.lao_cai]
    )
    # Four eyes: they submitted Lào Cai's report, so another reviewer approves it.
    waiting["laocai"].submitted_by = both
    waiting["laocai"].save()
    sent = run_daily_job(django_capture_on_commit_callbacks, day(-3))

    digests = Notification.objects.filter(kind=Kind.REVIEW_DIGEST)
    (own,) = digests.filter(recipient=both)
    assert own.subject == "Có 1 báo cáo đang chờ anh/chị duyệt"
    assert "Yên Bái" in own.body_text
    assert "Thỏa thuận Lào Cai" not in own.body_text
    (digest,) = mails_to(sent, reviewer)
    assert "Thỏa thuận Lào Cai" in digest.body


# Preferences and one-click unsubscribe -----------------------------------------------


def test_preferences_turn_a_kind_off(
    client, world, staff_laocai, django_capture_on_commit_callbacks
):
    client.force_login(staff_laocai)
    page = client.get(reverse("notifications:preferences"), **EN).content.decode()
    assert "Reporting deadlines" in page
    assert "Reports waiting for my review" not in page, "a staff member reviews nothing"
    response = client.post(
        reverse("notifications:preferences"),
        {"language": "en", "returned": "on"},
        follow=True,
        **EN,
    )
    assert "Your notification choices are saved." in response.content.decode()
    preference = Preference.objects.get(user=staff_laocai)
    assert (preference.deadlines, preference.returned, preference.language) == (False, True, "en")
    assert mails_to(run_daily_job(django_capture_on_commit_callbacks, day(-7)), staff_laocai) == []


def test_preferences_refuse_an_unknown_language_and_keep_the_choices(client, staff_laocai):
    Preference.objects.create(user=staff_laocai, deadlines=False)
    client.force_login(staff_laocai)
    response = client.post(
        reverse("notifications:preferences"), {"language": "fr", "deadlines": "on"}, **EN
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Preference.objects.get(user=staff_laocai).deadlines is False


def described_by_missing(page: str) -> list[str]:
    """The ids a control names in aria-describedby that the page holds no element with."""
    named = {
        name for names in re.findall(r'aria-describedby="([^"]+)"', page) for name in names.split()
    }
    return sorted(name for name in named if f'id="{name}"' not in page)


def test_each_preference_is_described_by_the_help_text_it_names(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("notifications:preferences"), **EN).content.decode()
    assert 'aria-describedby="id_monthly_summary_helptext"' in page
    assert 'aria-describedby="id_summary_province_helptext"' in page
    assert described_by_missing(page) == []
    # The drop-down's empty choice has a name: the help says to choose it, not to leave it empty.
    assert "Leave empty" not in page
    assert "Choose “The whole country”, or one province or city for its figures alone." in page

    refused = client.post(reverse("notifications:preferences"), {"language": "fr"}, **EN)
    page = refused.content.decode()
    assert 'aria-describedby="id_language_helptext id_language_error"' in page
    assert described_by_missing(page) == []


def unsubscribe_link(message) -> str:
    return re.search(
        r"https://portal\.example\.vn(/notifications/unsubscribe/[^/\s]+/)", message.body
    )[1]


def test_the_mails_link_unsubscribes_without_signing_in_once_its_button_is_pressed(
    client, world, staff_laocai, django_capture_on_commit_callbacks
):
    (message,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, day(-7)), staff_laocai)
    link = unsubscribe_link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<https://portal.example.vn{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # A mail scanner opens every link of a message: opening it only asks.
    for _scanned in range(2):
        response = client.get(link, **EN)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Unsubscribe?" in page
        assert f'<form method="post" action="{link}">' in page
        assert "You are unsubscribed" not in page
    assert client.head(link).status_code == 200
    assert not Preference.objects.filter(user=staff_laocai, deadlines=False).exists()
    assert mails_to(run_daily_job(django_capture_on_commit_callbacks, day(-1)), staff_laocai)

    response = client.post(link, **EN)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert Preference.objects.get(user=staff_laocai).deadlines is False
    assert mails_to(run_daily_job(django_capture_on_commit_callbacks, day(-1)), staff_laocai) == []

    response = client.post(link, {"resubscribe": "1"}, **EN)
    assert "You are subscribed again" in response.content.decode()
    assert Preference.objects.get(user=staff_laocai).deadlines is True


def test_a_mail_program_unsubscribes_by_post(
    client, world, staff_laocai, django_capture_on_commit_callbacks
):
    (message,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, day(-7)), staff_laocai)
    client.post(unsubscribe_link(message), {"List-Unsubscribe": "One-Click"})
    assert Preference.objects.get(user=staff_laocai).deadlines is False


def test_a_tampered_unsubscribe_link_is_refused_with_a_message(client, staff_laocai):
    from notifications.services import unsubscribe_token

    token = unsubscribe_token(staff_laocai.pk, Kind.DEADLINES)
    tampered = reverse("notifications:unsubscribe", args=[token[:-2] + "xx"])
    for response in (client.get(tampered, **EN), client.post(tampered, **EN)):
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert not Preference.objects.exists()


# In the portal ----------------------------------------------------------------------


def test_someone_without_mail_reads_the_same_in_the_portal(
    client, world, provinces, django_capture_on_commit_callbacks
):
    no_mail = UserFactory(
        username="no_mail", email="", roles=[Role.STAFF], provinces=[provinces.lao_cai]
    )
    Preference.objects.create(user=no_mail, language="en")
    assert mails_to(run_daily_job(django_capture_on_commit_callbacks, day(-7)), no_mail) == []
    notice = Notification.objects.get(recipient=no_mail)
    assert notice.status == Status.PORTAL_ONLY

    client.force_login(no_mail)
    header = client.get(reverse("notifications:preferences"), **EN).content.decode()
    assert "1 unread" in header
    page = client.get(reverse("notifications:list"), **EN).content.decode()
    assert "Submit 2 quarterly reports by 20 Oct 2025" in page
    assert "Thỏa thuận Yên Bái – VNPT" in page

    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response.url == reverse("milestones:report-list")
    assert "unread" not in client.get(reverse("notifications:list"), **EN).content.decode()


def test_nobody_opens_anothers_notification(
    client, world, staff_laocai, staff_quangtri, django_capture_on_commit_callbacks
):
    run_daily_job(django_capture_on_commit_callbacks, day(-7))
    notice = Notification.objects.get(recipient=staff_laocai)
    client.force_login(staff_quangtri)
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    assert Notification.objects.get(pk=notice.pk).read_at is None


def test_mark_all_read_clears_the_count(
    client, world, staff_laocai, django_capture_on_commit_callbacks
):
    run_daily_job(django_capture_on_commit_callbacks, day(-7))
    run_daily_job(django_capture_on_commit_callbacks, day(-1))
    client.force_login(staff_laocai)
    assert 'aria-label="2 chưa đọc"' in client.get(reverse("notifications:list")).content.decode()
    client.post(reverse("notifications:mark-all-read"))
    assert "chưa đọc" not in client.get(reverse("notifications:list")).content.decode()


def test_the_admin_lists_every_notification_with_its_status_and_attempts(
    client, admin_user, world, staff_laocai, django_capture_on_commit_callbacks
):
    run_daily_job(django_capture_on_commit_callbacks, day(-7))
    client.force_login(admin_user)
    page = client.get(reverse("admin:notifications_notification_changelist"), **EN)
    text = page.content.decode()
    assert page.status_code == 200
    assert "staff_laocai" in text and "staff_quangtri" in text
    assert "Delivered to the mail server" in text
    assert "column-attempts" in text


# Languages ---------------------------------------------------------------------------


def test_the_mail_is_in_vietnamese_unless_the_person_chose_english(
    world, staff_laocai, staff_quangtri, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=staff_quangtri, language="en")
    sent = run_daily_job(django_capture_on_commit_callbacks, day(-7))
    (vietnamese,) = mails_to(sent, staff_laocai)
    (english,) = mails_to(sent, staff_quangtri)
    assert vietnamese.subject == "Nộp 2 báo cáo quý trước ngày 20/10/2025"
    assert "Còn 7 ngày" in vietnamese.body
    assert "Hủy nhận: https://" in vietnamese.body
    assert english.subject == "Submit 1 quarterly report by 20 Oct 2025"
    assert "Due in 7 days" in english.body
    assert "Unsubscribe: https://" in english.body
    assert 'lang="en"' in english.alternatives[0].content


def test_who_is_told_is_who_may_act(provinces, staff_laocai, staff_quangtri, reviewer, admin_user):
    from provinces.access import Action, can, people_who_may

    laocai_reviewer = UserFactory(
        username="reviewer_laocai", roles=[Role.REVIEWER], provinces=[provinces.lao_cai]
    )
    both = UserFactory(
        username="both", roles=[Role.STAFF, Role.REVIEWER], provinces=[provinces.quang_tri]
    )
    UserFactory(username="gone", roles=[Role.STAFF], provinces=[provinces.lao_cai], is_active=False)
    admin_user.groups.add(*staff_laocai.groups.all())
    people = [staff_laocai, staff_quangtri, reviewer, admin_user, laocai_reviewer, both]
    for province in (provinces.lao_cai, provinces.former_yen_bai, provinces.former_quang_binh):
        for action, role in ((Action.EDIT, Role.STAFF), (Action.REVIEW, Role.REVIEWER)):
            expected = [
                person.username
                for person in people
                if person.groups.filter(name=role).exists() and can(person, action, province.pk)
            ]
            found = [person.username for person in people_who_may(action, province.pk, role)]
            assert found == expected, (province, action)
