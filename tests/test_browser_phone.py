"""The portal on a phone (390 × 844 px): nothing runs off the screen, the header stays short.

A staff member enters and submits a quarter's figures on the phone, in Vietnamese;
an official reads the national and a province's dashboards.
"""

import pytest
from playwright.sync_api import expect

from milestones.models import QuarterlyReport, ReportStatus
from progress import services as progress

from .browser import TIMEOUT_MS, login
from .dashboard_world import build_world
from .factories import AgreementFactory, OrganisationFactory, submitted_report

PASSWORD = "secret-pass-123"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="vi-VN", viewport=PHONE, device_scale_factor=2)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def page_width(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth")


def header_height(tab) -> float:
    return tab.locator("header.topbar").bounding_box()["height"]


@pytest.mark.browser
def test_staff_enter_and_submit_a_quarter_on_a_phone(phone, live_server, staff_laocai, laocai):
    login(phone, live_server, "staff_laocai", PASSWORD)
    phone.goto(f"{live_server.url}/reports/{laocai.agreement.pk}/{laocai.quarter}/edit/")

    assert page_width(phone) <= PHONE["width"]
    assert header_height(phone) < 120
    for name, typed in {
        "kpi-bts_total-value": "1.100",
        "kpi-bts_4g-value": "400",
        "kpi-villages_fibre-numerator": "1100",
        "kpi-villages_fibre-denominator": "1569",
        "kpi-level4_services_pct-value": "40",
        f"commitment-{laocai.commitment.pk}-percent_complete": "50",
    }.items():
        field = phone.locator(f"[name='{name}']")
        field.scroll_into_view_if_needed()
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
        field.fill(typed)
    phone.click("button[name='submit']")

    expect(phone.locator("main")).to_contain_text("đã được gửi")
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.status == ReportStatus.SUBMITTED
    assert report.values.get(kpi=laocai.bts_total).value == 1100


@pytest.mark.browser
def test_officials_read_the_dashboards_on_a_phone(phone, live_server, official, laocai, provinces):
    progress.recompute_all()
    login(phone, live_server, official.username, PASSWORD)
    for path in ("/", f"/dashboards/provinces/{provinces.lao_cai.slug}/", "/compare/"):
        phone.goto(f"{live_server.url}{path}")
        assert page_width(phone) <= PHONE["width"], path
        assert header_height(phone) < 120, path


def within_screen(tab, locator) -> bool:
    """The element is in view and wholly on the screen, where a thumb can reach it."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["width"] > 0


def section(tab, heading: str):
    return tab.locator("section", has=tab.get_by_role("heading", name=heading))


@pytest.mark.browser
def test_every_link_of_the_navigation_shows_on_a_phone(phone, live_server, official, laocai):
    login(phone, live_server, official.username, PASSWORD)
    phone.goto(f"{live_server.url}/reports/")
    links = phone.locator("nav.mainnav a")
    assert links.count() >= 5
    for link in links.all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], link.inner_text()
    assert header_height(phone) < 120


@pytest.mark.browser
def test_the_report_lists_show_their_actions_on_a_phone(
    phone, live_server, staff_laocai, reviewer, laocai
):
    submitted = submitted_report(laocai, 20214)
    login(phone, live_server, "staff_laocai", PASSWORD)
    phone.goto(f"{live_server.url}/reports/")
    to_do = section(phone, "Cần thực hiện")
    actions = to_do.locator("tbody td:last-child a")
    assert actions.count() >= 1
    for action in actions.all():
        assert within_screen(phone, action), action.inner_text()
    title = to_do.locator("tbody td:first-child").first
    assert title.bounding_box()["width"] > PHONE["width"] / 2
    assert page_width(phone) <= PHONE["width"]

    phone.context.clear_cookies()
    login(phone, live_server, reviewer.username, PASSWORD)
    phone.goto(f"{live_server.url}/reports/")
    review = section(phone, "Chờ bạn duyệt").get_by_role("link", name="Duyệt")
    assert within_screen(phone, review)
    review.click()
    expect(phone).to_have_url(f"{live_server.url}{submitted.get_absolute_url()}")


@pytest.mark.browser
def test_the_charts_keep_legible_text_on_a_phone(phone, live_server, official, provinces):
    build_world(provinces)
    progress.recompute_all()
    login(phone, live_server, official.username, PASSWORD)
    for path in ("/", "/compare/", f"/dashboards/provinces/{provinces.lao_cai.slug}/"):
        phone.goto(f"{live_server.url}{path}")
        charts = phone.locator("svg.chart")
        assert charts.count() >= 1, path
        # The smallest text of every chart, as high on the screen as the map's (10 px or more).
        smallest = phone.evaluate(
            """() => Math.min(...[...document.querySelectorAll('svg.chart text')]
                .map(text => text.getBoundingClientRect().height).filter(height => height > 0))"""
        )
        assert smallest >= 10, (path, smallest)
        # A wide chart scrolls inside its frame; the page itself does not.
        assert page_width(phone) <= PHONE["width"], path


@pytest.mark.browser
@pytest.mark.parametrize(("language", "kind_label"), [("vi", "Loại"), ("en", "Kind")])
def test_the_agreement_list_fits_a_phone(
    phone, live_server, official, provinces, language, kind_label
):
    build_world(provinces)
    # A long counterparty widens the filter's select; a source note is text hidden in a cell.
    counterparty = OrganisationFactory(
        name="Ủy ban nhân dân tỉnh Lào Cai và Sở Khoa học và Công nghệ tỉnh Lào Cai (cũ)",
    )
    AgreementFactory(
        counterparty=counterparty,
        period_note="Văn bản không ghi rõ thời hạn; lấy theo giai đoạn của kế hoạch tổng thể "
        "được Ủy ban nhân dân tỉnh phê duyệt kèm theo thỏa thuận",
    )
    login(phone, live_server, official.username, PASSWORD)
    phone.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    phone.goto(f"{live_server.url}/agreements/")

    assert page_width(phone) <= PHONE["width"]
    assert within_screen(phone, phone.locator("#id_counterparty"))
    # Each agreement is a card: its title, then each fact named beside it.
    first = phone.locator("tbody tr").first
    assert within_screen(phone, first)
    assert kind_label in first.locator("td").nth(3).evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
