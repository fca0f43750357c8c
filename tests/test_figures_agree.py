"""The page, its download and the API say the same figure, status and coverage for one choice.

An official who reads a figure on the dashboard, a clerk who downloads it into a
spreadsheet and a province's system that reads it from the API must never see three
different numbers, statuses or "as of" lines.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from progress.models import ProgressStatus

from .api import token_client, url
from .dashboard_world import build_world
from .test_dashboards import VI, page, table_rows

BTS = "Tổng số trạm BTS (trạm)"
pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture(scope="module")
def world(mid_2025, module_provinces):
    return build_world(module_provinces)


def page_row(html: str, table: str, first_cells: tuple) -> dict:
    """The row of `table` whose first cells are `first_cells`, keyed by the column headers."""
    headers = table_headers(html, table)
    for cells in table_rows(html, table):
        if (
            tuple(cell.removesuffix(" MINH HỌA") for cell in cells[: len(first_cells)])
            == first_cells
        ):
            return dict(zip(headers, cells, strict=False))
    raise AssertionError(f"no row {first_cells} in {table}")


def table_headers(html: str, table: str) -> list[str]:
    head = re.search(rf'<table data-table="{table}">.*?<thead>(.*?)</thead>', html, re.S)
    cells = re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def download_row(client, address: str, first_cells: tuple) -> dict:
    response = client.get(address, **VI)
    assert response.status_code == 200
    text = response.content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    for cells in rows[1:]:
        if tuple(cells[: len(first_cells)]) == first_cells:
            return dict(zip(rows[0], cells, strict=False))
    raise AssertionError(f"no row {first_cells} in {address}")


def api_row(official, name: str, query: dict) -> dict:
    response = token_client(official, language="vi").get(url(name), query)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 1, results
    return results[0]


def label(status: str) -> str:
    with translation.override("vi"):
        return str(ProgressStatus(status).label)


def same_number(shown: str, downloaded: str, served: str):
    """The page's "3.130", the download's 3130 and the API's "3130.00" are one number.

    So are the page's "72,0%", the download's 72,02 and the API's "72.02", to the
    page's one decimal.
    """
    as_page = Decimal(shown.replace(".", "").replace(",", ".").removesuffix("%"))
    as_download = Decimal(downloaded.replace(",", "."))
    assert as_page == as_download.quantize(as_page) == Decimal(served).quantize(as_page)


def test_the_national_figure_is_the_same_on_the_page_in_its_download_and_in_the_api(
    client_official, official, world
):
    shown = page_row(page(client_official, "/", VI), "headline", (BTS,))
    downloaded = download_row(client_official, "/?export=csv&table=headline", (BTS,))
    served = api_row(official, "national-progress-list", {"phase": "2021-2025", "kpi": "bts_total"})

    same_number(shown["Giá trị"], downloaded["Giá trị"], served["value"])
    assert shown["Trạng thái"].endswith(label(served["status"]))
    assert downloaded["Trạng thái"] == label(served["status"])
    coverage = served["coverage"]
    assert coverage.startswith("số liệu tính đến Quý 2/2025 · 2/2 tỉnh, thành phố có số liệu")
    assert (
        shown["Số liệu tính đến và mức độ báo cáo"]
        == downloaded["Số liệu tính đến và mức độ báo cáo"]
        == coverage
    )


def test_a_merged_province_says_the_same_on_the_map_its_page_its_download_and_the_api(
    client_official, official, world
):
    served = api_row(
        official,
        "province-progress-list",
        {"province": "lao-cai", "phase": "2021-2025", "kpi": "bts_total"},
    )
    assert (served["units_reporting"], served["units_expected"]) == (2, 2)
    on_map = page_row(page(client_official, "/?kpi=bts_total", VI), "map", ("Lào Cai",))
    province_page = page(client_official, "/dashboards/provinces/lao-cai/", VI)
    shown = page_row(province_page, "progress", (BTS, "2021–2025"))
    downloaded = download_row(
        client_official,
        "/dashboards/provinces/lao-cai/?export=csv&table=progress",
        (BTS, "2021–2025"),
    )

    for row in (on_map, shown):
        same_number(row["Giá trị"], downloaded["Giá trị"], served["value"])
        assert row["Trạng thái"].endswith(label(served["status"]))
        assert row["Số liệu tính đến và mức độ báo cáo"] == served["coverage"]
    assert downloaded["Trạng thái"] == label(served["status"])
    assert downloaded["Số liệu tính đến và mức độ báo cáo"] == served["coverage"]
    assert "2/2 đơn vị cũ có số liệu" in served["coverage"]


def download_xlsx_row(client, address: str, first_cells: tuple) -> dict:
    response = client.get(address, **VI)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    for cells in rows[1:]:
        if tuple(cells[: len(first_cells)]) == first_cells:
            return dict(zip(rows[0], cells, strict=False))
    raise AssertionError(f"no row {first_cells} in {address}")


PROJECTED = "Dự báo cuối kỳ"


@pytest.mark.parametrize(
    ("agreement", "projected"),
    [
        # 2014–2020 set Lào Cai no target: its stations have nothing to be projected to.
        ("lao_cai_2014", None),
        # 1.160 stations in Q2/2025, 20 more a quarter: 1.200 by the end of 2025.
        ("lao_cai_2021", Decimal(1200)),
    ],
)
def test_an_agreements_projection_shows_everywhere_only_with_a_target(
    client_official, official, world, agreement, projected
):
    agreement = getattr(world, agreement)
    address = f"/dashboards/agreements/{agreement.pk}/"
    shown = page_row(page(client_official, address, VI), "progress", (BTS,))
    downloaded = download_row(client_official, f"{address}?export=csv&table=progress", (BTS,))
    workbook = download_xlsx_row(client_official, f"{address}?export=xlsx&table=progress", (BTS,))
    served = api_row(
        official, "agreement-progress-list", {"agreement": agreement.pk, "kpi": "bts_total"}
    )

    if projected is None:
        assert shown["Mục tiêu"] == shown[PROJECTED] == "–"
        assert downloaded[PROJECTED] == ""
        assert workbook[PROJECTED] is None
        assert served["target_value"] is served["projected_value"] is None
    else:
        same_number(shown[PROJECTED], downloaded[PROJECTED], served["projected_value"])
        assert workbook[PROJECTED] == projected == Decimal(served["projected_value"])


def test_a_province_without_a_target_shows_no_projection_on_its_page_or_in_the_api(
    client_official, official, world
):
    # Lào Cai's share of level-4 services in 2020, in a phase that set it no target.
    level4 = "Dịch vụ công mức độ 4"
    address = "/dashboards/provinces/lao-cai-truoc-2025/"
    shown = page_row(page(client_official, address, VI), "progress", (level4, "2014–2020"))
    downloaded = download_row(
        client_official, f"{address}?export=csv&table=progress", (level4, "2014–2020")
    )
    served = api_row(
        official,
        "province-progress-list",
        {"province": "lao-cai-truoc-2025", "phase": "2014-2020", "kpi": "level4_services_pct"},
    )

    assert served["value"] is not None
    assert shown["Dự báo đến thời hạn mục tiêu"] == "–"
    assert downloaded["Dự báo đến thời hạn mục tiêu"] == ""
    assert served["target_value"] is served["projected_value"] is None
