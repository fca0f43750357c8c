"""The officials' monthly summary: the dashboards' at-risk list and completeness, and what changed.

The world is the dashboards' small country, computed in August 2025; the summaries
go out on the first mornings of September and October 2025, Vietnam time.
"""

import datetime
import io

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from milestones.models import ReportStatus
from notifications.models import Kind, Notification, Preference
from progress import services as progress
from progress.models import SLIPPING, AgreementProgress, ProgressStatus
from provinces.access import Role
from provinces.lineage import ProvinceTree

from .conftest import VIETNAM
from .dashboard_world import build_world
from .factories import QuarterlyReportFactory, UserFactory
from .progress_data import agreement_for
from .test_dashboards import page, table_rows
from .test_notifications import EN, at, mails_to, run_daily_job

# A pack kept in the cache by one test must not be attached by the next, whose data differ.
pytestmark = pytest.mark.usefixtures("fresh_cache")

SEPTEMBER = datetime.date(2025, 9, 1)
OCTOBER = datetime.date(2025, 10, 1)


@pytest.fixture
def world(provinces, settings):
    settings.PORTAL_URL = "https://portal.example.vn"
    with time_machine.travel(datetime.datetime(2025, 8, 15, 9, tzinfo=VIETNAM), tick=False):
        return build_world(provinces)


def subscriber(username, language="en", province=None):
    official = UserFactory(username=username, roles=[Role.OFFICIAL])
    Preference.objects.create(
        user=official, monthly_summary=True, language=language, summary_province=province
    )
    return official


def test_an_official_gets_the_nations_summary_once_a_month(
    world, django_capture_on_commit_callbacks
):
    official = subscriber("official_en")
    (summary,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER), official)
    assert summary.subject == (
        "Monthly summary of the whole country, September 2025: 3 agreements slipping"
    )
    body = summary.body
    assert body.index("Thỏa thuận Quảng Bình – VNPT 2021–2025") < body.index(
        "Thỏa thuận Lào Cai – VNPT 2021–2025"
    ), "the dashboards' order: worst first"
    assert "Reporting completeness, Q2/2025" in body
    assert "This is your first summary" in body
    agreement_link = reverse("dashboards:agreement-dashboard", args=[world.quang_binh_2021.pk])
    assert f"https://portal.example.vn{agreement_link}" in body

    later = run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER + datetime.timedelta(1))
    assert mails_to(later, official) == [], "once a month"


def pdf_text(message) -> tuple[str, str]:
    """The name and the text of the mail's one PDF attachment."""
    ((name, content, mimetype),) = message.attachments
    assert mimetype == "application/pdf"
    return name, "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_summary_carries_the_review_pack_of_its_scope_in_the_readers_language(
    world, provinces, django_capture_on_commit_callbacks
):
    nation = subscriber("official_en")
    province = subscriber("official_laocai", language="vi", province=provinces.lao_cai)
    sent = run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER)

    (national,) = mails_to(sent, nation)
    assert "The review pack, with every figure, is attached as a PDF." in national.body
    name, text = pdf_text(national)
    assert name.endswith("-en.pdf")
    assert "Cooperation results of VNPT with the provinces" in text
    (laocai,) = mails_to(sent, province)
    name, text = pdf_text(laocai)
    assert name.endswith("-vi.pdf")
    assert "Lào Cai" in text
    assert "Quảng Bình" not in text


def test_the_next_summary_says_what_changed(world, django_capture_on_commit_callbacks):
    official = subscriber("official_en")
    run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER)
    QuarterlyReportFactory(
        agreement=world.lao_cai_2021,
        quarter=20253,
        status=ReportStatus.APPROVED,
        reviewed_at=datetime.datetime(2025, 9, 20, 10, tzinfo=VIETNAM),
    )
    # As a recompute after Yên Bái's new figures would leave it.
    AgreementProgress.objects.filter(agreement=world.yen_bai_2021).update(
        status=ProgressStatus.ON_TRACK
    )
    (summary,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, OCTOBER), official)
    assert "What changed since your last summary" in summary.body
    assert "- 1 report approved" in summary.body
    assert "Thỏa thuận Lào Cai – VNPT 2021–2025 — Q3/2025" in summary.body
    assert "- No longer slipping: Thỏa thuận Yên Bái – VNPT 2021–2025" in summary.body
    assert "Newly slipping" not in summary.body
    assert summary.subject.endswith("2 agreements slipping")
    assert "first summary" not in summary.body


def test_a_province_summary_keeps_to_the_province_and_its_former_units(
    world, provinces, django_capture_on_commit_callbacks
):
    official = subscriber("official_laocai", language="vi", province=provinces.lao_cai)
    (summary,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER), official)
    assert summary.subject.startswith("Tổng hợp hằng tháng của Lào Cai")
    assert "Thỏa thuận Lào Cai – VNPT 2021–2025" in summary.body
    assert "Quảng Bình" not in summary.body
    assert (
        f"https://portal.example.vn/dashboards/provinces/{provinces.lao_cai.slug}/" in summary.body
    )


def test_a_summary_with_nothing_slipping_names_the_statuses_worst_first(
    world, django_capture_on_commit_callbacks
):
    AgreementProgress.objects.filter(status__in=SLIPPING).update(status=ProgressStatus.ON_TRACK)
    official = subscriber("official_en")
    (summary,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER), official)
    assert summary.subject.endswith("0 agreements slipping")
    assert "No agreement has a KPI not achieved, off track or at risk." in summary.body


@pytest.fixture
def trees_built(monkeypatch):
    """How many province trees writing a month's summaries builds: each reads every province."""
    from notifications.summary import write_monthly_summaries

    built = []
    read = ProvinceTree.__init__
    monkeypatch.setattr(ProvinceTree, "__init__", lambda tree: built.append(tree) or read(tree))

    def count(month: datetime.date, officials: int) -> int:
        built.clear()
        with at(month):
            assert len(write_monthly_summaries(month)) == officials
        return len(built)

    return count


def test_more_officials_of_the_same_provinces_do_not_read_the_provinces_more(
    world, provinces, trees_built
):
    subscriber("official_laocai", province=provinces.lao_cai)
    subscriber("official_quangtri", province=provinces.quang_tri)
    two = trees_built(SEPTEMBER, 2)
    # Next month the first two are told what changed, and two more officials ask.
    subscriber("official_laocai_too", province=provinces.lao_cai)
    subscriber("official_quangtri_too", province=provinces.quang_tri)
    assert trees_built(OCTOBER, 4) == two


def test_officials_of_more_provinces_do_not_count_the_country_again(world, provinces, trees_built):
    subscriber("official_laocai", province=provinces.lao_cai)
    one_province = trees_built(SEPTEMBER, 1)
    # The country's completeness is counted once for every province's summary.
    subscriber("official_quangtri", province=provinces.quang_tri)
    subscriber("official_laichau", province=provinces.lai_chau)
    assert trees_built(OCTOBER, 3) == one_province


def test_nobody_gets_a_summary_without_asking(world, official, django_capture_on_commit_callbacks):
    assert mails_to(run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER), official) == []
    assert not Notification.objects.filter(kind=Kind.MONTHLY_SUMMARY).exists()


def test_an_official_subscribes_on_the_preferences_page(client, official, provinces):
    client.force_login(official)
    page = client.get(reverse("notifications:preferences"), **EN).content.decode()
    assert "Monthly summary" in page
    assert "Reporting deadlines" not in page, "an official reports nothing"
    client.post(
        reverse("notifications:preferences"),
        {"language": "vi", "monthly_summary": "on", "summary_province": provinces.lao_cai.pk},
    )
    preference = Preference.objects.get(user=official)
    assert preference.monthly_summary and preference.summary_province == provinces.lao_cai
    response = client.post(
        reverse("notifications:preferences"),
        {"language": "vi", "summary_province": provinces.former_yen_bai.pk},
        **EN,
    )
    assert "Select a valid choice" in response.content.decode(), "only today's provinces"


def test_officials_of_one_scope_share_one_pack_laid_out_once(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from dashboards import packs

    laid_out = []
    render = packs.render_pdf
    monkeypatch.setattr(packs, "render_pdf", lambda pack: laid_out.append(pack) or render(pack))
    first, second = subscriber("official_one"), subscriber("official_two")
    sent = run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER)

    (one,), (two,) = mails_to(sent, first), mails_to(sent, second)
    assert one.attachments == two.attachments
    assert len(laid_out) == 1, "the same figures, scope and language: laid out once"


def test_the_summary_counts_the_reports_the_national_page_counts(
    world, provinces, client_official, django_capture_on_commit_callbacks
):
    # Lai Châu signed its 2026–2030 agreement in May 2025 and owes Q2/2025 already: a report
    # of its own phase, not of 2021–2025, which the national page opens on and counts.
    with at(SEPTEMBER - datetime.timedelta(days=14)):
        agreement_for(
            provinces.former_lai_chau, start=2026, end=2030, signed_on=datetime.date(2025, 5, 10)
        )
        progress.recompute_all()
    nation = subscriber("official_en")
    lai_chau = subscriber("official_laichau", province=provinces.lai_chau)
    sent = run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER)
    with at(SEPTEMBER):
        shown = page(client_official, "/")

    assert "Reporting completeness, Q2/2025, phase 2021–2025" in shown
    assert "3 of 3 reports approved" in shown
    (summary,) = mails_to(sent, nation)
    assert "Reporting completeness, Q2/2025" in summary.body
    assert "3 of 3 reports due are approved" in summary.body
    (province,) = mails_to(sent, lai_chau)
    assert "No report was due in this scope." in province.body


def test_once_the_phase_has_ended_the_summary_counts_what_was_not_achieved(
    world, client, django_capture_on_commit_callbacks
):
    # December 2026: the 2021–2025 agreements have ended, so a shortfall is "not achieved",
    # never "off track" or "at risk" again; the page lists them as slipping, so must the mail.
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=VIETNAM), tick=False):
        progress.recompute_all()
        assert AgreementProgress.objects.filter(status=ProgressStatus.NOT_ACHIEVED).exists()
        client.force_login(UserFactory(username="reader", roles=[Role.OFFICIAL]))
        listed = table_rows(page(client, "/"), "at_risk")
    assert listed
    official = subscriber("official_ended")
    december = datetime.date(2026, 12, 1)
    (summary,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, december), official)
    assert summary.subject.endswith(f"{len(listed)} agreements slipping")
    assert "No agreement has a KPI" not in summary.body
    assert listed[0][0].removesuffix(" DEMO") in summary.body


def test_the_summary_counts_reports_in_good_english(
    world, provinces, django_capture_on_commit_callbacks
):
    # A fourth 2021–2025 agreement, of the former Lai Châu, that never reported Q2/2025.
    with at(SEPTEMBER - datetime.timedelta(days=14)):
        agreement_for(provinces.former_lai_chau, signed_on=datetime.date(2021, 5, 10))
        progress.recompute_all()
    official = subscriber("official_en")
    (summary,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER), official)
    html = summary.alternatives[0].content
    for text in (summary.body, html):
        assert "3 of 4 reports due are approved" in text
        assert "0 await review; 1 is overdue." in text
        assert "1 are overdue" not in text


NARRATIVE = "Phủ sóng 5G tại Đồng Hới."


def test_the_mailed_pack_holds_only_the_narratives_its_recipient_may_read(
    world, provinces, django_capture_on_commit_callbacks
):
    from notifications.outbox import message_for

    latest = world.quang_binh_2021.reports.get(quarter=20252)
    latest.narrative = NARRATIVE
    latest.save()
    reader = subscriber("official_reads", province=provinces.quang_tri)
    former = subscriber("official_former", province=provinces.quang_tri)
    sent = run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER)
    for person in (reader, former):
        (summary,) = mails_to(sent, person)
        name, text = pdf_text(summary)
        assert name.endswith("-en.pdf")
        assert "Cooperation results of Quảng Trị province with VNPT" in text
        assert NARRATIVE in " ".join(text.split()), person.username

    # No longer an official: a summary sent again (a retry) must not print the narrative, nor
    # may the pack laid out for that reader be the one the official was sent.
    former.groups.clear()
    notice_of = {
        person: Notification.objects.get(recipient=person, kind=Kind.MONTHLY_SUMMARY)
        for person in (reader, former)
    }
    _name, text = pdf_text(message_for(notice_of[former]))
    text = " ".join(text.split())
    assert NARRATIVE not in text
    assert "The narrative of 1 agreement is left out" in text
    _name, text = pdf_text(message_for(notice_of[reader]))
    assert NARRATIVE in " ".join(text.split())


# The queries of a province's mailed pack laid out afresh, counted rather than timed: looking up
# its narratives or its lineage once more would show here.
PACK_QUERIES = 22


def test_a_provinces_mailed_pack_is_laid_out_in_a_known_number_of_queries(
    world, provinces, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from notifications.summary import review_pack

    latest = world.quang_binh_2021.reports.get(quarter=20252)
    latest.narrative = NARRATIVE
    latest.save()
    reader = subscriber("official_reads", province=provinces.quang_tri)
    run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER)
    notice = Notification.objects.get(recipient=reader, kind=Kind.MONTHLY_SUMMARY)
    cache.clear()
    with at(SEPTEMBER), django_assert_num_queries(PACK_QUERIES):
        _name, content = review_pack(notice)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )
    assert NARRATIVE in text
