"""A dashboard printed from Chromium: the figures on paper, the navigation and buttons left out."""

import io
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect
from pypdf import PdfReader

from .browser import login
from .dashboard_world import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(mid_2025, provinces):
    cache.clear()
    return build_world(provinces)


def test_a_province_dashboard_prints_without_navigation_or_buttons(
    page, live_server, official, world
):
    login(page, live_server, "official", "secret-pass-123")
    page.goto(f"{live_server.url}/dashboards/provinces/lao-cai/")
    expect(page.locator(".mainnav")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".mainnav")).to_be_hidden()
    expect(page.locator(".downloads").first).to_be_hidden()
    expect(page.locator(".print-link")).to_be_hidden()
    expect(page.locator(".breadcrumb")).to_be_hidden()
    # The charts' figures, folded away on screen, are on paper.
    expect(page.locator('table[data-table="series"]')).to_be_visible()

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = re.sub(r"\s+", " ", " ".join(sheet.extract_text() for sheet in pdf.pages))
    assert "Lào Cai" in text
    assert "Agreements across phases" in text
    for screen_only in (
        "Log out",
        "Notifications",
        "Administration",
        "CSV (decimal comma)",
        "National dashboard",
        "Province record",
    ):
        assert screen_only not in text
    assert "Print / PDF" not in text
