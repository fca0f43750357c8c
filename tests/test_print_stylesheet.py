"""Every dashboard prints cleanly from the browser: the print stylesheet and what it leaves out."""

import re

import pytest
import tinycss2
from django.contrib.staticfiles import finders

from .dashboard_world import build_world

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture(scope="module")
def world(mid_2025, module_provinces):
    return build_world(module_provinces)


def print_rules() -> dict[str, dict[str, str]]:
    """Each selector of the print stylesheet with its declarations, as a browser reads them."""
    with open(finders.find("css/print.css"), encoding="utf-8") as stylesheet:
        rules = tinycss2.parse_stylesheet(
            stylesheet.read(), skip_comments=True, skip_whitespace=True
        )
    found = {}
    for rule in rules:
        if rule.type != "qualified-rule":
            continue
        declarations = {
            declaration.name: tinycss2.serialize(declaration.value).strip()
            for declaration in tinycss2.parse_declaration_list(
                rule.content, skip_comments=True, skip_whitespace=True
            )
            if declaration.type == "declaration"
        }
        for selector in tinycss2.serialize(rule.prelude).split(","):
            found.setdefault(selector.strip(), {}).update(declarations)
    return found


def dashboard_urls(world) -> list[str]:
    return [
        "/",
        "/compare/",
        f"/dashboards/provinces/{world.lao_cai_2021.counterparty.province.successor.slug}/",
        f"/dashboards/agreements/{world.lao_cai_2021.pk}/",
    ]


def test_every_dashboard_links_the_print_stylesheet_for_print_only(client_official, world):
    for url in dashboard_urls(world):
        html = client_official.get(url).content.decode()
        links = re.findall(
            r'<link rel="stylesheet" href="([^"]+print\.css)" media="([^"]+)">', html
        )
        assert links == [("/static/css/print.css", "print")], url


def test_print_leaves_out_navigation_buttons_forms_and_downloads():
    rules = print_rules()
    for selector in (".topbar", ".mainnav", "nav", "form", "button", ".downloads"):
        assert rules[selector]["display"] == "none", selector


def test_print_keeps_table_rows_and_charts_whole_and_repeats_table_headings():
    rules = print_rules()
    for selector in ("tr", "figure", "svg", ".chart"):
        assert rules[selector]["break-inside"] == "avoid", selector
    assert rules["thead"]["display"] == "table-header-group"
    assert rules[".scroll"]["overflow"] == "visible"


def test_print_leaves_out_the_breadcrumb_of_every_page_that_has_one(
    client_official, world, module_provinces
):
    assert print_rules()[".breadcrumb"]["display"] == "none"
    pages = {
        f"/dashboards/provinces/{module_provinces.lao_cai.slug}/": "Province record",
        f"/dashboards/agreements/{world.lao_cai_2021.pk}/": "Agreement record",
        module_provinces.lao_cai.get_absolute_url(): "All provinces",
        world.lao_cai_2021.get_absolute_url(): "All agreements",
    }
    for url, link in pages.items():
        html = client_official.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        (crumbs,) = re.findall(r'<p class="breadcrumb">(.*?)</p>', html, re.S)
        assert link in crumbs, url
