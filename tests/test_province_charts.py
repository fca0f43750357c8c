"""A province's charts draw one line per unit, as its figures count them.

The current province and each former unit merged into it have a line of their own (one
line per agreement drew a merged province's 14 agreements in five styles, alike in
threes). Where two agreements of one unit report the same quarter, the line follows the
one signed later, as the roll-up does; each agreement's target is drawn over its own period.
"""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from milestones.models import ReportStatus

from .progress_data import agreement_for, catalogue, report, target
from .test_exports import read_csv

pytestmark = pytest.mark.usefixtures("fresh_cache")

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MUTED = "#5b6775"


def bts_chart(html: str) -> str:
    charts = re.findall(r"<svg\b.*?</svg>", html, re.S)
    return next(chart for chart in charts if "<title>BTS stations" in chart)


def bts_figure(html: str) -> str:
    """The BTS chart with its legend and note, which are the page's text under it."""
    figures = re.findall(r"<figure\b.*?</figure>", html, re.S)
    return next(figure for figure in figures if "<title>BTS stations" in figure)


def legend(figure: str) -> list[str]:
    items = re.search(r'<ul class="chart-legend">(.*?)</ul>', figure, re.S).group(1)
    return [
        re.sub(r"<svg\b.*?</svg>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", items)
    ]


@pytest.fixture
def merged_lao_cai(provinces):
    kpis = catalogue()
    bts = kpis["bts_total"]
    first = agreement_for(
        provinces.former_lao_cai, start=2014, end=2020, signed_on=datetime.date(2014, 9, 17)
    )
    second = agreement_for(
        provinces.former_lao_cai, start=2017, end=2022, signed_on=datetime.date(2017, 5, 2)
    )
    yen_bai = agreement_for(provinces.former_yen_bai)
    report(first, "2018Q4", {bts: 1000})
    # The same quarter from both: the agreement signed in 2017 counts, not the one of 2014.
    report(first, "2019Q4", {bts: 5000})
    report(second, "2019Q4", {bts: 1200})
    report(second, "2020Q4", {bts: 1300})
    report(yen_bai, "2024Q4", {bts: 900})
    target(first, bts, 1500)
    target(second, bts, 1600)
    return provinces.lao_cai


def test_a_merged_provinces_chart_has_a_line_for_each_former_unit(client_official, merged_lao_cai):
    url = reverse("dashboards:province-dashboard", args=[merged_lao_cai.slug])
    html = client_official.get(url, **EN).content.decode()
    chart = bts_chart(html)

    assert legend(bts_figure(html)) == ["Lào Cai (former unit)", "Yên Bái (former unit)"]
    lines = re.findall(r'<polyline points="([^"]*)"', chart)
    assert [len(points.split()) for points in lines] == [3, 1]


def test_a_unit_line_follows_the_later_signed_agreement_and_shows_each_target(
    client_official, merged_lao_cai
):
    url = reverse("dashboards:province-dashboard", args=[merged_lao_cai.slug])
    chart = bts_chart(client_official.get(url, **EN).content.decode())

    # The 2014 agreement's 5,000 for Q4/2019 is not drawn: the axis stops at 2,000.
    ticks = re.findall(rf'text-anchor="end" font-size="11" fill="{MUTED}">([^<]*)<', chart)
    assert ticks == ["0", "500", "1,000", "1,500", "2,000"]
    targets = re.findall(r"<title>Target: ([^<]*)</title>", chart)
    assert targets == ["1,500", "1,600"]


def test_an_agreements_chart_draws_its_own_values(client_official, merged_lao_cai):
    first = merged_lao_cai.predecessors.get(slug__contains="lao-cai").organisations.first()
    agreement = first.agreements.order_by("signed_on").first()
    url = reverse("dashboards:agreement-dashboard", args=[agreement.pk])
    chart = bts_chart(client_official.get(url, **EN).content.decode())

    lines = re.findall(r'<polyline points="([^"]*)"', chart)
    assert [len(points.split()) for points in lines] == [2]
    assert re.findall(r"<title>Target: ([^<]*)</title>", chart) == ["1,500"]


def test_the_quarterly_table_keeps_a_quarter_without_an_approved_value(client_official, provinces):
    bts = catalogue()["bts_total"]
    quang_binh = agreement_for(provinces.former_quang_binh)
    report(quang_binh, "2025Q2", {bts: 950})
    report(quang_binh, "2025Q3", {bts: 960}, status=ReportStatus.SUBMITTED)
    report(quang_binh, "2025Q4", {bts: 990})
    url = reverse("dashboards:province-dashboard", args=[provinces.quang_tri.slug])

    html = client_official.get(url, **EN).content.decode()
    table = re.search(r'<table data-table="series">.*?</table>', html, re.S).group(0)
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert headers[-3:] == ["Q2/2025", "Q3/2025", "Q4/2025"]
    cells = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", table)]
    assert cells[-3:] == ["950", "–", "990"]
    assert "A dash (–) marks a quarter without an approved value." in html

    csv_rows = read_csv(client_official.get(f"{url}?export=csv&table=series", **EN))
    assert csv_rows[0][-3:] == ["Quý 2/2025", "Quý 3/2025", "Quý 4/2025"]
    assert csv_rows[1][-3:] == ["950", "", "990"]
    response = client_official.get(f"{url}?export=xlsx&table=series", **EN)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][-3:]) == ["Quý 2/2025", "Quý 3/2025", "Quý 4/2025"]
    assert list(rows[1][-3:]) == [950, None, 990]
