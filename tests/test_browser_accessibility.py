"""axe-core finds no critical or serious violation on the pages of the three journeys.

The staff member's (reports, the entry form, a report), the official's (the
dashboards, agreements and provinces) and the admin's (the agreement, person,
province and report forms), in Chromium, in Vietnamese as the portal opens.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from progress import services as progress

from .browser import TIMEOUT_MS, login
from .dashboard_world import build_world
from .factories import MilestoneFactory, NotificationFactory, ParticipantFactory
from .test_import import csv_bytes, good_rows

PASSWORD = "secret-pass-123"
SERIOUS = ("critical", "serious")


def violations(tab) -> list[str]:
    results = Axe().run(tab)
    return [
        f"{item['id']} ({item['impact']}): {item['help']} — "
        + "; ".join(node["target"][0] for node in item["nodes"][:5])
        for item in results.response["violations"]
        if item["impact"] in SERIOUS
    ]


@pytest.fixture
def vietnamese_tab(chromium):
    context = chromium.new_context(locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def check(tab, live_server, paths) -> str:
    """Each page's critical and serious violations, one per line; empty when there are none."""
    lines = []
    for path in paths:
        tab.goto(f"{live_server.url}{path}")
        lines += [f"{path}: {item}" for item in violations(tab)]
    return "\n".join(lines)


@pytest.mark.browser
def test_the_staff_journey_has_no_serious_violation(
    vietnamese_tab, live_server, staff_laocai, laocai
):
    login(vietnamese_tab, live_server, "staff_laocai", PASSWORD)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    earlier = laocai.agreement.reports.order_by("quarter").first()
    NotificationFactory(recipient=staff_laocai)
    found = check(
        vietnamese_tab,
        live_server,
        [
            "/reports/",
            edit,
            earlier.get_absolute_url(),
            reverse("milestones:import"),
            reverse("notifications:list"),
            reverse("notifications:preferences"),
        ],
    )
    assert not found, found


@pytest.mark.browser
def test_the_official_journey_has_no_serious_violation(
    vietnamese_tab, live_server, official, laocai, provinces
):
    progress.recompute_all()
    login(vietnamese_tab, live_server, official.username, PASSWORD)
    paths = [
        "/",
        "/?units=former",
        "/compare/",
        reverse("dashboards:province-dashboard", args=[provinces.lao_cai.slug]),
        reverse("dashboards:agreement-dashboard", args=[laocai.agreement.pk]),
        reverse("partnerships:agreement-list"),
        laocai.agreement.get_absolute_url(),
        provinces.lao_cai.get_absolute_url(),
        reverse("provinces:list"),
    ]
    found = check(vietnamese_tab, live_server, paths)
    assert not found, found


@pytest.mark.browser
def test_the_admin_forms_have_no_serious_violation(
    vietnamese_tab, live_server, admin_user, laocai, provinces
):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    login(vietnamese_tab, live_server, admin_user.username, PASSWORD)
    report = laocai.agreement.reports.first()
    person = ParticipantFactory(agreement=laocai.agreement).person
    NotificationFactory(recipient=admin_user)
    paths = [
        reverse("admin:partnerships_agreement_change", args=[laocai.agreement.pk]),
        reverse("admin:partnerships_agreement_add"),
        reverse("admin:partnerships_person_change", args=[person.pk]),
        reverse("admin:provinces_province_change", args=[provinces.lao_cai.pk]),
        reverse("admin:milestones_quarterlyreport_change", args=[report.pk]),
        reverse("admin:notifications_notification_changelist"),
    ]
    found = check(vietnamese_tab, live_server, paths)
    assert not found, found


PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_pages_of_plain_tables_have_no_serious_violation(
    chromium, live_server, official, staff_laocai, laocai, viewport
):
    """On a phone a wide table scrolls sideways in its frame, which a keyboard must reach: a
    table of text alone (the agreement's people, targets and milestones, a report's values)
    has no link to take the focus for it."""
    agreement = laocai.agreement
    ParticipantFactory(agreement=agreement, title_then="Chủ tịch Ủy ban nhân dân tỉnh Lào Cai")
    MilestoneFactory(agreement=agreement, description="Lễ ký kết trực tuyến giữa hai bên")
    context = chromium.new_context(locale="vi-VN", **({"viewport": viewport} if viewport else {}))
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    login(tab, live_server, official.username, PASSWORD)
    found = check(
        tab,
        live_server,
        [
            agreement.get_absolute_url(),
            laocai.previous_report.get_absolute_url(),
            reverse("partnerships:agreement-list"),
            reverse("notifications:preferences"),
        ],
    )
    if viewport:
        tab.goto(live_server.url + agreement.get_absolute_url())
        frames = tab.locator("main .scroll")
        assert frames.count() == 3
        for frame in frames.all():
            # A frame that scrolls is a tab stop, named after the table it holds.
            assert frame.evaluate("frame => frame.scrollWidth > frame.clientWidth")
            assert frame.get_attribute("tabindex") == "0"
            assert frame.get_attribute("role") == "region" and frame.get_attribute("aria-label")
    context.close()
    assert not found, found


@pytest.mark.browser
def test_a_province_page_and_the_import_preview_have_no_serious_violation_on_a_phone(
    chromium, live_server, staff_laocai, laocai, provinces, settings, tmp_path
):
    """Their tables scroll sideways in named frames a keyboard reaches, as the agreement's do."""
    settings.MEDIA_ROOT = tmp_path
    context = chromium.new_context(locale="vi-VN", viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    login(tab, live_server, staff_laocai.username, PASSWORD)
    tab.goto(live_server.url + reverse("milestones:import"))
    # A file with a row the import refuses, so that the preview shows both of its tables.
    rows = [*good_rows(), ["Lào Cai", "", "2021Q4", "bts_4g", "-5", "", ""]]
    tab.set_input_files(
        "input[type=file]",
        files=[{"name": "so-lieu.csv", "mimeType": "text/csv", "buffer": csv_bytes(*rows)}],
    )
    tab.locator("main form[enctype] button[type=submit]").click()
    tab.wait_for_url(re.compile(r"/reports/import/\w+/$"))
    preview = tab.url.removeprefix(live_server.url)
    found = check(tab, live_server, [provinces.lao_cai.get_absolute_url(), preview])
    for path, tables in ((provinces.lao_cai.get_absolute_url(), 1), (preview, 2)):
        tab.goto(live_server.url + path)
        frames = tab.locator("main .scroll")
        assert frames.count() == tables, path
        for frame in frames.all():
            assert frame.evaluate("frame => frame.scrollWidth > frame.clientWidth"), path
            assert frame.get_attribute("tabindex") == "0"
            assert frame.get_attribute("role") == "region" and frame.get_attribute("aria-label")
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    context.close()
    assert not found, found


@pytest.mark.browser
def test_the_login_page_has_no_serious_violation(vietnamese_tab, live_server):
    found = check(vietnamese_tab, live_server, [reverse("login")])
    assert not found, found


@pytest.mark.browser
def test_the_agreement_admin_form_fits_a_laptop_screen(chromium, live_server, admin_user, laocai):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    login(tab, live_server, admin_user.username, PASSWORD)
    tab.goto(
        live_server.url + reverse("admin:partnerships_agreement_change", args=[laocai.agreement.pk])
    )
    # The KPI targets' inline scrolls inside its box rather than widening the page.
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1366
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    "viewport", [None, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_the_dashboards_charts_have_no_serious_violation(
    chromium, live_server, official, provinces, viewport
):
    """With two phases of figures: the compare chart's province links, the charts' frames."""
    build_world(provinces)
    progress.recompute_all()
    context = chromium.new_context(locale="vi-VN", **({"viewport": viewport} if viewport else {}))
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    login(tab, live_server, official.username, PASSWORD)
    tab.goto(f"{live_server.url}/compare/")
    # A chart holding links is a named group of them, as the map is, so each link is reachable.
    compare = tab.locator("svg.chart", has=tab.locator("a"))
    assert compare.get_attribute("role") == "group"
    assert compare.get_attribute("aria-label")
    paths = [
        "/",
        "/compare/",
        reverse("dashboards:province-dashboard", args=[provinces.lao_cai.slug]),
    ]
    found = check(tab, live_server, paths)
    context.close()
    assert not found, found
