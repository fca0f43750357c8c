"""Demo data carry the DEMO mark wherever they are named: a page, a pack, a mail.

A demo agreement's title reads as a real one's would, so the mark is all that tells
a reader it is synthetic; a real agreement's name never carries it.
"""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from dashboards import drawing, packs
from notifications.models import Preference
from partnerships.models import Agreement
from progress.models import AgreementProgress
from provinces.access import Role

from .conftest import VIETNAM, build_reporting_scenario
from .dashboard_world import build_world
from .factories import AgreementFactory, PhaseFactory, UserFactory, submitted_report
from .test_import import csv_bytes, good_rows, upload
from .test_notification_summary import SEPTEMBER, subscriber
from .test_notifications import agreement_in, mails_to, run_daily_job

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
BADGE = 'class="badge demo"'


def rows_naming(fragment: str, title: str) -> list[str]:
    """The table rows of `fragment` that name `title`."""
    return [row for row in re.findall(r"<tr>(.*?)</tr>", fragment, re.S) if title in row]


def marked(row: str) -> bool:
    return BADGE in row


# One markup ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("title", ["", "Includes synthetic demonstration figures"])
def test_the_pages_and_the_dashboards_tables_write_one_badge(language, title):
    with translation.override(language):
        page = render_to_string("includes/demo_badge.html", {"demo": True, "title": title})
        jinja = engines["jinja2"].from_string(
            '{% from "includes/demo_badge.html" import demo_badge with context %}'
            "{{ demo_badge(title) }}"
        )
        table = jinja.render({"labels": drawing.labels(), "title": title})
        assert render_to_string("includes/demo_badge.html", {"demo": False}) == ""
    assert page == table
    assert page.startswith(f" <span {BADGE}")
    assert ("MINH HỌA" if language == "vi" else ">DEMO<") in page


@pytest.mark.parametrize(("language", "word"), [("vi", " [MINH HỌA]"), ("en", " [DEMO]")])
def test_a_mail_writes_the_badges_word_in_brackets(language, word):
    with translation.override(language):
        assert render_to_string("includes/demo_badge.txt", {"demo": True}) == word
        assert render_to_string("includes/demo_badge.txt", {"demo": False}) == ""


def test_no_template_writes_the_badge_by_hand():
    templates = Path(settings.BASE_DIR) / "templates"
    homes = {templates / "includes" / "demo_badge.html", templates / "jinja2" / "includes"}
    by_hand = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.*")
        if path.is_file()
        and not any(path == home or home in path.parents for home in homes)
        and '"badge demo"' in path.read_text()
    ]
    assert by_hand == []


# Pages --------------------------------------------------------------------------------------


@pytest.fixture
def two_agreements(provinces):
    """Two of Lào Cai's agreements (the former Lào Cai's and Yên Bái's), the second a demo."""
    real = build_reporting_scenario(provinces.former_lao_cai, "Lào Cai")
    demo = build_reporting_scenario(provinces.former_yen_bai, "Yên Bái")
    Agreement.objects.filter(pk=demo.agreement.pk).update(is_demo=True)
    demo.agreement.refresh_from_db()
    return real, demo


def test_the_reviewer_queue_marks_a_demo_agreements_report(client, reviewer, two_agreements):
    real, demo = two_agreements
    for scenario in two_agreements:
        submitted_report(scenario, scenario.quarter)
    client.force_login(reviewer)
    page = client.get(reverse("milestones:report-list"), **EN).content.decode()
    queue = page.split("Waiting for your review", 1)[1].split("</section>", 1)[0]
    (real_row,) = rows_naming(queue, real.agreement.title)
    (demo_row,) = rows_naming(queue, demo.agreement.title)
    assert marked(demo_row)
    assert not marked(real_row)


@pytest.mark.parametrize("demo_flag", [True, False], ids=["demo", "real"])
def test_the_entry_forms_heading_marks_a_demo_agreement(
    client, staff_laocai, two_agreements, demo_flag
):
    scenario = two_agreements[1] if demo_flag else two_agreements[0]
    client.force_login(staff_laocai)
    edit = reverse("milestones:report-edit", args=[scenario.agreement.pk, scenario.quarter])
    page = client.get(edit, **EN).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert scenario.agreement.title in heading
    assert marked(heading) is demo_flag


def test_preceded_and_followed_by_mark_a_demo_agreement(official_client, db):
    earlier = AgreementFactory(
        phase=PhaseFactory(start_year=2011, end_year=2015), title="Thỏa thuận mẫu 2011–2015"
    )
    current = AgreementFactory(
        counterparty=earlier.counterparty,
        phase=PhaseFactory(start_year=2016, end_year=2020),
        predecessor=earlier,
        title="Thỏa thuận 2016–2020",
    )
    later = AgreementFactory(
        counterparty=earlier.counterparty, predecessor=current, title="Thỏa thuận mẫu 2021–2025"
    )

    def links(agreement) -> dict[str, str]:
        page = official_client.get(agreement.get_absolute_url(), **EN).content.decode()
        return dict(re.findall(r"<dt>(Follows|Followed by)</dt>\s*<dd>(.*?)</dd>", page, re.S))

    assert not any(marked(link) for link in links(current).values())
    Agreement.objects.filter(pk__in=[earlier.pk, later.pk]).update(is_demo=True)
    shown = links(current)
    assert earlier.title in shown["Follows"] and marked(shown["Follows"])
    assert later.title in shown["Followed by"] and marked(shown["Followed by"])
    # The demo's page names the real agreement it follows without a mark.
    assert not marked(links(later)["Follows"])


@pytest.mark.parametrize("demo_flag", [True, False], ids=["demo", "real"])
def test_the_import_preview_marks_a_demo_agreement(
    client, staff_laocai, laocai, settings, tmp_path, demo_flag
):
    settings.MEDIA_ROOT = tmp_path
    Agreement.objects.filter(pk=laocai.agreement.pk).update(is_demo=demo_flag)
    client.force_login(staff_laocai)
    location = upload(client, csv_bytes(*good_rows()))["Location"]
    page = client.get(location, **EN).content.decode()
    changes = re.search(r'<table class="import-changes">(.*?)</table>', page, re.S).group(1)
    rows = rows_naming(changes, laocai.agreement.title)
    assert rows
    assert all(marked(row) is demo_flag for row in rows)


@pytest.mark.parametrize("demo_flag", [True, False], ids=["demo", "real"])
def test_the_packs_cover_marks_a_demo_agreement(official, laocai, demo_flag):
    Agreement.objects.filter(pk=laocai.agreement.pk).update(is_demo=demo_flag)
    laocai.agreement.refresh_from_db()
    with translation.override("en"):
        html = packs.render_html(
            packs.agreement_pack(laocai.agreement, laocai.agreement.phase, official)
        )
    title = re.search(r'<section class="cover">.*?<h1>(.*?)</h1>', html, re.S).group(1)
    assert laocai.agreement.title in title
    assert marked(title) is demo_flag


# Mails --------------------------------------------------------------------------------------


@pytest.fixture
def deadline_settings(settings):
    settings.REPORT_DUE_DAYS = 20
    settings.NOTIFICATION_HOUR = 7
    settings.PORTAL_URL = "https://portal.example.vn"


def test_a_deadline_reminder_marks_a_demo_agreement(
    deadline_settings, provinces, staff_laocai, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=staff_laocai, language="en")
    real = agreement_in(provinces.lao_cai, "Thỏa thuận Lào Cai – VNPT")
    AgreementFactory(
        counterparty=real.counterparty,
        phase=real.phase,
        signed_on=real.signed_on,
        title="Thỏa thuận mẫu Lào Cai – VNPT",
        is_demo=True,
    )
    # Seven days before Q3/2025's reports fall due on 20 October.
    sent = run_daily_job(django_capture_on_commit_callbacks, datetime.date(2025, 10, 13))
    (reminder,) = mails_to(sent, staff_laocai)
    assert "- Thỏa thuận mẫu Lào Cai – VNPT [DEMO] — Q3/2025" in reminder.body
    assert "- Thỏa thuận Lào Cai – VNPT — Q3/2025" in reminder.body
    html = reminder.alternatives[0].content
    assert "Thỏa thuận mẫu Lào Cai – VNPT [DEMO] — Q3/2025</a>" in html
    assert "Thỏa thuận Lào Cai – VNPT — Q3/2025</a>" in html


def test_the_reviewers_digest_marks_a_demo_agreements_report(
    reviewer, two_agreements, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_URL = "https://portal.example.vn"
    Preference.objects.create(user=reviewer, language="en")
    real, demo = two_agreements
    for scenario in two_agreements:
        submitted_report(scenario, scenario.quarter)
    with time_machine.travel(datetime.datetime(2022, 1, 12, 9, tzinfo=VIETNAM), tick=False):
        sent = run_daily_job(django_capture_on_commit_callbacks, datetime.date(2022, 1, 12))
    (digest,) = mails_to(sent, reviewer)

    (demo_line,) = [line for line in digest.body.splitlines() if demo.agreement.title in line]
    (real_line,) = [line for line in digest.body.splitlines() if real.agreement.title in line]
    assert " [DEMO] (" in demo_line
    assert "[DEMO]" not in real_line
    html = digest.alternatives[0].content
    assert "</a> [DEMO]" in html
    assert html.count("[DEMO]") == 1


@pytest.fixture
def slipping_world(provinces, settings, fresh_cache):
    """The dashboards' small country, its Quảng Bình agreement made a real one."""
    settings.PORTAL_URL = "https://portal.example.vn"
    with time_machine.travel(datetime.datetime(2025, 8, 15, 9, tzinfo=VIETNAM), tick=False):
        world = build_world(provinces)
    real = world.quang_binh_2021
    Agreement.objects.filter(pk=real.pk).update(is_demo=False)
    AgreementProgress.objects.filter(agreement=real).update(includes_demo=False)
    return world


def test_the_monthly_summarys_at_risk_list_marks_demo_agreements(
    slipping_world, django_capture_on_commit_callbacks
):
    official = subscriber("official_en")
    (summary,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER), official)
    demo, real = slipping_world.lao_cai_2021.title, slipping_world.quang_binh_2021.title
    assert f"- {demo} [DEMO] (" in summary.body
    assert f"- {real} (" in summary.body
    html = summary.alternatives[0].content
    (demo_row,) = rows_naming(html, demo)
    (real_row,) = rows_naming(html, real)
    assert f"{demo}</a> [DEMO]</td>" in demo_row
    assert "[DEMO]" not in real_row
    # Each row has a cell under each heading.
    headings = html.split("<thead>", 1)[1].split("</thead>", 1)[0].count("<th ")
    assert demo_row.count("<td ") == real_row.count("<td ") == headings


def test_a_vietnamese_mail_marks_a_demo_agreement_in_vietnamese(
    slipping_world, django_capture_on_commit_callbacks
):
    official = UserFactory(username="official_vi", roles=[Role.OFFICIAL])
    Preference.objects.create(user=official, monthly_summary=True, language="vi")
    (summary,) = mails_to(run_daily_job(django_capture_on_commit_callbacks, SEPTEMBER), official)
    assert f"- {slipping_world.lao_cai_2021.title} [MINH HỌA] (" in summary.body
