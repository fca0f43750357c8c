"""The dashboards' chart frames in Chromium: a chart of quarters opens at its newest quarter on
a phone, and a frame is a tab stop only where it scrolls."""

import pytest
from django.core.cache import cache

from .browser import TIMEOUT_MS, login
from .dashboard_world import build_world

pytestmark = pytest.mark.browser

PASSWORD = "secret-pass-123"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def world(mid_2025, provinces):
    cache.clear()
    return build_world(provinces)


@pytest.fixture
def tab(chromium):
    """A tab whose window is resized by each test, in Vietnamese as the portal opens."""
    context = chromium.new_context(locale="vi-VN", viewport=PHONE, device_scale_factor=2)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def frames(tab, selector: str) -> list[dict]:
    """Each frame's scroll position and extent, and its tab stop."""
    return tab.evaluate(
        """selector => [...document.querySelectorAll(selector)].map(frame => ({
            title: frame.querySelector('svg').getAttribute('aria-label'),
            left: frame.scrollLeft,
            end: frame.scrollWidth - frame.clientWidth,
            tabindex: frame.getAttribute('tabindex'),
        }))""",
        selector,
    )


def tab_stops(tab) -> list[str]:
    """What Tab reaches, in order, from the top of the page to its end: "chart-frame" for a
    chart's frame, the tag's name for anything else."""
    stops = []
    for order in range(1000):
        tab.keyboard.press("Tab")
        stop = tab.evaluate(
            """order => {
                const element = document.activeElement;
                if (element === document.body || element.hasAttribute('data-tab-order')) {
                    return null;
                }
                element.setAttribute('data-tab-order', order);
                return element.classList.contains('chart-frame') ? 'chart-frame' : element.tagName;
            }""",
            order,
        )
        if stop is None:
            return stops
        stops.append(stop)
    raise AssertionError("Tab never came back to the top of the page")


def test_a_phone_opens_each_kpi_chart_at_its_newest_quarter(
    tab, live_server, official, provinces, world
):
    login(tab, live_server, official.username, PASSWORD)
    for path in (
        f"/dashboards/provinces/{provinces.lao_cai.slug}/",
        f"/dashboards/agreements/{world.lao_cai_2021.pk}/",
    ):
        tab.goto(f"{live_server.url}{path}")
        charts = frames(tab, ".chart-frame[data-opens-at='end']")
        assert charts, path
        for chart in charts:
            # Wider than the phone, it scrolls, and shows its right end: the newest quarter.
            assert chart["end"] > 0, (path, chart)
            assert abs(chart["left"] - chart["end"]) <= 1, (path, chart)
            # A keyboard can still reach it and scroll back to the older quarters.
            assert chart["tabindex"] == "0", (path, chart)
        first = tab.locator(".chart-frame[data-opens-at='end']").first
        first.focus()
        tab.keyboard.press("ArrowLeft")
        tab.wait_for_function(
            """() => { const frame = document.querySelector(".chart-frame[data-opens-at='end']");
                return frame.scrollLeft < frame.scrollWidth - frame.clientWidth - 1; }"""
        )


def test_a_chart_frame_is_a_tab_stop_only_where_it_scrolls(
    tab, live_server, official, provinces, world
):
    login(tab, live_server, official.username, PASSWORD)
    tab.set_viewport_size(DESKTOP)
    province = f"{live_server.url}/dashboards/provinces/{provinces.lao_cai.slug}/"
    for url in (province, f"{live_server.url}/"):
        tab.goto(url)
        images = frames(tab, ".chart-frame:has(> svg[role='img'])")
        assert images, url
        for chart in images:
            # On a desktop the charts fit their column: no frame scrolls, none is a tab stop.
            assert chart["end"] == 0, (url, chart)
            assert chart["tabindex"] is None, (url, chart)
        stops = tab_stops(tab)
        assert "A" in stops, url
        assert "chart-frame" not in stops, url

    # Narrowed to a phone's width, the KPI charts scroll, and a keyboard reaches each again.
    tab.goto(province)
    tab.set_viewport_size(PHONE)
    tab.wait_for_function(
        """() => [...document.querySelectorAll(".chart-frame[data-opens-at='end']")]
            .every(frame => frame.getAttribute('tabindex') === '0')"""
    )
    stops = tab_stops(tab)
    assert stops.count("chart-frame") == len(frames(tab, ".chart-frame[data-opens-at='end']"))


def on_screen(box: dict, width: int = PHONE["width"]) -> bool:
    return box["width"] > 0 and box["x"] >= -0.5 and box["x"] + box["width"] <= width + 0.5


def test_a_phone_keeps_a_kpi_charts_axis_legend_and_note_in_view(
    tab, live_server, official, provinces, world
):
    login(tab, live_server, official.username, PASSWORD)
    for path in (
        f"/dashboards/provinces/{provinces.lao_cai.slug}/",
        f"/dashboards/agreements/{world.lao_cai_2021.pk}/",
    ):
        tab.goto(f"{live_server.url}{path}")
        figures = tab.locator("figure:has(.chart-frame[data-opens-at='end'])")
        assert figures.count(), path
        for figure in figures.all():
            frame = figure.locator(".chart-frame")
            figure.scroll_into_view_if_needed()
            # Opened at its newest quarter, at the right end…
            assert frame.evaluate(
                "f => f.scrollLeft > 0 && f.scrollLeft >= f.scrollWidth - f.clientWidth - 1"
            )
            # …with the axis's figures at the frame's left edge, each of them on the screen,
            # and the legend and the note under the chart, not scrolled away with it.
            axis = figure.locator(".chart-axis")
            assert axis.is_visible(), path
            assert abs(axis.bounding_box()["x"] - frame.bounding_box()["x"]) <= 1, path
            ticks = axis.locator("text")
            assert ticks.count() == 5
            for tick in ticks.all():
                assert on_screen(tick.bounding_box()), (path, tick.text_content())
            for item in figure.locator(".chart-legend li, .chart-note").all():
                assert on_screen(item.bounding_box()), (path, item.text_content())
            # Scrolled back to its first quarter, the axis is still where it was.
            frame.evaluate("f => { f.scrollLeft = 0; }")
            assert abs(axis.bounding_box()["x"] - frame.bounding_box()["x"]) <= 1, path


def test_the_headline_bars_fit_a_phone_and_stay_beside_their_names_on_a_desktop(
    tab, live_server, official, world
):
    login(tab, live_server, official.username, PASSWORD)
    tab.goto(f"{live_server.url}/")
    above, beside = tab.locator(".bars-above"), tab.locator(".bars-beside")
    assert above.is_visible() and not beside.is_visible()
    # Every name, bar and share on the screen: the chart fits, nothing to scroll to.
    assert above.evaluate("frame => frame.scrollWidth <= frame.clientWidth + 1")
    drawn = above.locator("svg text, svg rect")
    assert drawn.count() >= 10
    for part in drawn.all():
        assert on_screen(part.bounding_box()), part.evaluate("e => e.outerHTML")
    # Still 10 px or more high: legible on the phone.
    smallest = above.evaluate(
        """frame => Math.min(...[...frame.querySelectorAll('text')]
            .map(text => text.getBoundingClientRect().height))"""
    )
    assert smallest >= 10

    tab.set_viewport_size(DESKTOP)
    assert beside.is_visible() and not above.is_visible()
    assert beside.evaluate("frame => frame.scrollWidth <= frame.clientWidth")
