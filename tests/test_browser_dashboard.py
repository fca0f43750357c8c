"""An official uses the national dashboard in a real browser."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from provinces.models import Province

from .browser import login
from .dashboard_world import build_world
from .factories import ProvinceFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def world(mid_2025, provinces):
    cache.clear()
    return build_world(provinces)


def test_it_lets_an_official_filter_by_phase_and_open_a_province_from_the_map(
    page, live_server, official, world
):
    login(page, live_server, "official", "secret-pass-123")
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("phase 2021–2025")
    ftth = page.locator('article[data-kpi="ftth_subscribers"]')
    expect(ftth).to_contain_text("132,000")

    page.locator("select[name=phase]").select_option("2014-2020")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"phase=2014-2020"))
    expect(page.locator("h1")).to_contain_text("phase 2014–2020")
    expect(ftth).to_contain_text("46,495")
    expect(page.locator(".freshness")).to_contain_text("Figures computed at")

    page.locator('#map svg a[href$="/dashboards/provinces/lao-cai/"]').click()

    expect(page).to_have_url(re.compile(r"/dashboards/provinces/lao-cai/$"))
    expect(page.locator("h1")).to_contain_text("Lào Cai")
    expect(page.locator("#timeline-title")).to_be_visible()
    expect(page.locator('table[data-table="progress"]')).to_contain_text("46,495")


LONG_NAMES = ("Bà Rịa - Vũng Tàu", "Tuyên Quang", "Thái Nguyên", "Hồ Chí Minh", "Quảng Ngãi")


@pytest.mark.parametrize("width", [1280, 390])
def test_province_names_stay_inside_their_tiles_on_the_map(
    page, live_server, official, world, width
):
    for name in LONG_NAMES:
        ProvinceFactory(former=True, name=name)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "official", "secret-pass-123")
    page.goto(f"{live_server.url}/?units=former")
    tiles = page.evaluate(
        """() => [...document.querySelectorAll('#map g.tile')].map(tile => {
            const rect = tile.querySelector('rect').getBBox();
            const name = tile.querySelector('text').getBBox();
            return {
                name: tile.querySelector('text').textContent,
                fits: name.x >= rect.x && name.x + name.width <= rect.x + rect.width
                    && name.y >= rect.y,
                label: tile.parentElement.getAttribute('aria-label'),
            };
        })"""
    )
    assert len(tiles) == Province.objects.former().count()
    for tile in tiles:
        assert tile["fits"], tile
    # The whole name, wherever the tile shows it on two lines, for a screen reader too.
    labels = [tile["label"] for tile in tiles]
    for name in LONG_NAMES:
        assert any(label.startswith(f"{name}: ") for label in labels), name
