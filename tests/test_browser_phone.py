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
    # A long value wraps within its own column, beside its name, never back under it.
    long_value = phone.locator("td", has_text="Sở Khoa học và Công nghệ")
    long_value.scroll_into_view_if_needed()
    lines = long_value.evaluate(
        """cell => { const range = document.createRange(); range.selectNodeContents(cell);
            return [...range.getClientRects()].map(line => line.left - cell.getBoundingClientRect().left); }"""
    )
    assert len({round(left) for left in lines}) == 1 and len(lines) > 1, lines
    assert lines[0] > 80, "the value stands beside its name"


def text_width(select) -> tuple[float, float]:
    """How wide the select's chosen text is drawn, and the room its closed box has for it."""
    return select.evaluate(
        """select => { const style = getComputedStyle(select);
            const context = document.createElement('canvas').getContext('2d');
            context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            // The closed select draws its arrow in about 20 px of its own.
            const room = select.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight) - 20;
            return [context.measureText(select.options[select.selectedIndex].text).width, room]; }"""
    )


@pytest.mark.browser
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_national_dashboard_reads_on_a_phone(phone, live_server, official, provinces, language):
    build_world(provinces)
    progress.recompute_all()
    login(phone, live_server, official.username, PASSWORD)
    phone.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    phone.goto(f"{live_server.url}/")
    # The KPI filter's first choice is read whole in the closed select.
    drawn, room = text_width(phone.locator("#id_kpi"))
    assert drawn <= room, (drawn, room)

    # The headline table keeps its nine columns readable in its frame: no heading one word a
    # line (217 px high once), and the KPI each row is of stays in view as the others scroll.
    frame = phone.locator("#table-headline .scroll")
    frame.scroll_into_view_if_needed()
    headings = frame.locator("thead th")
    assert headings.count() == 9
    assert max(heading.bounding_box()["height"] for heading in headings.all()) < 120
    assert min(heading.bounding_box()["width"] for heading in headings.all()) >= 90
    first = frame.locator("tbody tr").first.locator("td").first
    left = first.bounding_box()["x"]
    frame.evaluate("frame => { frame.scrollLeft = frame.scrollWidth; }")
    assert frame.evaluate("frame => frame.scrollLeft") > 0
    assert abs(first.bounding_box()["x"] - left) < 1
    assert page_width(phone) <= PHONE["width"]
