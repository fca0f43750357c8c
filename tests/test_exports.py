"""CSV and Excel downloads: they open, carry Vietnamese headers and match the page."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from .dashboard_world import build_world
from .test_dashboards import EN, page, table_rows

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture(scope="module")
def world(mid_2025, module_provinces):
    """Built once for the module; each test's own changes are undone after it."""
    return build_world(module_provinces)


def download(client, url):
    response = client.get(url, **EN)
    assert response.status_code == 200
    return response


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def read_xlsx(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def as_page_number(value, page_text: str) -> str:
    """A downloaded number as the English page writes it."""
    if page_text.endswith("%"):
        return f"{Decimal(str(value)):,.1f} %"
    return f"{Decimal(str(value)):,.0f}"


def test_it_downloads_the_headline_table_as_csv_matching_the_page(client_official, world):
    rows = read_csv(download(client_official, "/?export=csv&table=headline"))
    body = rows[1:]
    page_rows = table_rows(page(client_official, "/"), "headline")
    assert len(body) == len(page_rows)
    for downloaded, shown in zip(body, page_rows, strict=True):
        for column in (1, 2, 3):
            if downloaded[column]:
                assert as_page_number(downloaded[column], shown[column]) == shown[column]
            else:
                assert shown[column] == "–"
    # The badge on the page is a column of its own in the download.
    assert all(row[-1] for row in body)
    assert all(row[0].endswith("DEMO") for row in page_rows)


def test_it_downloads_excel_with_numbers_as_numbers(client_official, world):
    response = download(client_official, "/?export=xlsx&table=map&kpi=ftth_subscribers")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert ".xlsx" in response["Content-Disposition"]
    rows = read_xlsx(response)
    body = {row[0]: row for row in rows[1:]}
    assert body["Lào Cai"][1] == 88000
    assert isinstance(body["Lào Cai"][1], int)
    assert body["Lào Cai"][-1]


def test_it_applies_the_pages_filters_to_the_download(client_official, world):
    earlier = read_csv(download(client_official, "/?phase=2014-2020&export=csv&table=headline"))
    ftth = next(row for row in earlier[1:] if row[0].startswith("Thuê bao FTTH"))
    assert ftth[1] == "46495"
    former = read_csv(download(client_official, "/?units=former&export=csv&table=map"))
    assert {row[0].split(" (")[0] for row in former[1:]} == {"Lào Cai", "Yên Bái", "Quảng Bình"}


def test_it_writes_headers_in_vietnamese_whatever_the_page_language(client_official, world):
    response = download(client_official, "/?export=csv&table=completeness")
    with_english_page = read_csv(response)[0]
    response = client_official.get("/?export=csv&table=completeness", HTTP_ACCEPT_LANGUAGE="vi")
    assert read_csv(response)[0] == with_english_page


def test_it_downloads_every_table_of_every_dashboard(client_official, world):
    pages = {
        "/": ["headline", "map", "completeness", "at_risk"],
        "/dashboards/provinces/lao-cai/": [
            "progress",
            "agreements",
            "participants",
            "commitments",
            "milestones",
            "completeness",
            "series",
        ],
        f"/dashboards/agreements/{world.lao_cai_2021.pk}/": [
            "progress",
            "series",
            "participants",
            "commitments",
            "milestones",
            "reports",
        ],
        "/compare/": ["compare"],
    }
    for url, keys in pages.items():
        html = page(client_official, url)
        for key in keys:
            assert f"export=csv&amp;table={key}" in html
            rows = read_csv(download(client_official, f"{url}?export=csv&table={key}"))
            assert len(rows) >= 1
            assert read_xlsx(download(client_official, f"{url}?export=xlsx&table={key}"))


def test_it_refuses_an_unknown_table_or_format(client_official, world):
    assert client_official.get("/?export=csv&table=nothing").status_code == 404
    assert client_official.get("/?export=pdf&table=headline").status_code == 404
