"""What admins and staff type reaches the dashboards' tables and charts as text, never as markup.

The tables and charts are drawn by Jinja2 templates (`dashboards.drawing`), the page
around them by Django's: both escape every value they write, in either language.
"""

import pytest
from django.urls import reverse

from progress import services as progress

from .test_dashboards import EN

pytestmark = pytest.mark.usefixtures("fresh_cache")

KPI_NAME = '<script>alert("kpi")</script>'
TITLE = "<img src=x onerror=alert(1)>"
UNIT = '"><svg onload=alert(2)>'


@pytest.fixture
def hostile(laocai):
    laocai.bts_total.name_en = laocai.bts_total.name_vi = KPI_NAME
    laocai.bts_total.unit_en = laocai.bts_total.unit_vi = UNIT
    laocai.bts_total.is_headline = True
    laocai.bts_total.save()
    laocai.agreement.title = TITLE
    laocai.agreement.save()
    progress.recompute_all()
    return laocai


@pytest.mark.parametrize("language", [EN, {"HTTP_ACCEPT_LANGUAGE": "vi"}], ids=["en", "vi"])
def test_names_and_titles_are_written_as_text_in_every_table_and_chart(
    hostile, client_official, language
):
    pages = {
        "national": "/?phase=2021-2025",
        "province": reverse("dashboards:province-dashboard", args=["lao-cai"]),
        "agreement": reverse("dashboards:agreement-dashboard", args=[hostile.agreement.pk]),
        "comparison": "/compare/?kpi=bts_total",
    }
    for name, url in pages.items():
        html = client_official.get(url, **language).content.decode()
        for raw in (KPI_NAME, TITLE, UNIT):
            assert raw not in html, (name, raw)
        # The KPI is named on every one of these pages: in a table, a chart or both (Django
        # writes a quote as &quot;, Jinja2 as &#34;).
        assert "&lt;script&gt;alert(" in html, name


def test_the_page_choices_in_the_download_links_stay_inside_their_attribute(
    hostile, client_official
):
    html = client_official.get("/", {"phase": "2021-2025", "x": '"><b>bold</b>'}, **EN)
    html = html.content.decode()
    assert '"><b>bold</b>' not in html
    assert "x=%22%3E%3Cb%3Ebold%3C%2Fb%3E" in html
