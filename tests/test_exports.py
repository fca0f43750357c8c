"""CSV and Excel downloads: they open, carry Vietnamese headers and match the page."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation
from openpyxl import load_workbook

from dashboards.exports import csv_value
from progress import services as progress
from progress.coverage import coverage
from progress.models import ProvinceProgress

from .conftest import VIETNAM
from .dashboard_world import build_world
from .progress_data import report
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


def read_csv(response, delimiter=";") -> list[list[str]]:
    """A download as its rows; the default CSV is a Vietnamese Excel's: `;` and `65,26`."""
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def as_decimal(text: str) -> Decimal:
    """A downloaded number: no thousands grouping, a decimal comma."""
    assert "." not in text, f"{text} is grouped or has a decimal point"
    return Decimal(text.replace(",", "."))


def read_xlsx(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def as_page_number(text: str, page_text: str) -> str:
    """A downloaded number as the English page writes it."""
    value = as_decimal(text)
    if page_text.endswith("%"):
        return f"{value:,.1f}%"
    return f"{value:,.0f}"


def test_it_downloads_the_headline_table_as_csv_matching_the_page(client_official, world):
    rows = read_csv(download(client_official, "/?export=csv&table=headline"))
    headers, body = rows[0], rows[1:]
    page_rows = table_rows(page(client_official, "/"), "headline")
    assert len(body) == len(page_rows)
    # The page's figure columns, then where the download has them (after a ratio's terms).
    columns = [(1, headers.index("Giá trị")), (2, headers.index("Mục tiêu"))]
    columns.append((3, headers.index("Tỷ lệ đạt mục tiêu")))
    for downloaded, shown in zip(body, page_rows, strict=True):
        for on_page, in_file in columns:
            if downloaded[in_file]:
                assert as_page_number(downloaded[in_file], shown[on_page]) == shown[on_page]
            else:
                assert shown[on_page] == "–"
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


def test_the_slipping_list_counts_its_statuses_worst_first(client_official, world):
    headers = read_csv(download(client_official, "/?export=csv&table=at_risk"))[0]
    assert headers[3:6] == [
        "Chỉ tiêu không đạt",
        "Chỉ tiêu chậm tiến độ",
        "Chỉ tiêu có nguy cơ chậm",
    ]


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


def test_it_refuses_the_comparison_of_a_phase_with_itself_as_the_page_does(client_official, world):
    # The page shows no table for a refused choice; its download is no other pair's table,
    # and says why as the page does.
    url = "/compare/?first=2021-2025&second=2021-2025&table=compare"
    for fmt in ("csv", "xlsx"):
        response = client_official.get(f"{url}&export={fmt}", **EN)
        assert response.status_code == 400
        assert "Choose two different phases" in response.content.decode()


def test_it_writes_decimal_commas_for_a_vietnamese_excel_or_points_on_request(
    client_official, world
):
    url = f"/dashboards/agreements/{world.lao_cai_2021.pk}/?export=%s&table=progress"
    comma = read_csv(download(client_official, url % "csv"))
    point = read_csv(download(client_official, url % "csv_point"), delimiter=",")
    assert comma[0] == point[0]
    value = comma[0].index("Giá trị")
    fibre = next(row for row in comma[1:] if row[0].startswith("Thôn"))
    fibre_point = next(row for row in point[1:] if row[0].startswith("Thôn"))
    # 1130 of 1569 villages: 72,02% in Vietnamese, 72.02 for other tools; never 1.569.
    assert (fibre[value], fibre_point[value]) == ("72,02", "72.02")
    ftth = next(row for row in comma[1:] if row[0].startswith("Thuê bao FTTH"))
    assert ftth[value] == "55000"
    assert download(client_official, url % "csv")["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("url", "table"),
    [("/", "headline"), ("/dashboards/provinces/lao-cai/", "progress"), (None, "progress")],
)
def test_it_keeps_a_ratios_numerator_and_denominator_as_columns(client_official, world, url, table):
    url = url or f"/dashboards/agreements/{world.lao_cai_2021.pk}/"
    rows = read_csv(download(client_official, f"{url}?export=csv&table={table}"))
    headers = rows[0]
    numerator, denominator = headers.index("Tử số"), headers.index("Mẫu số")
    fibre = [row for row in rows[1:] if row[0].startswith("Thôn")]
    assert fibre
    for row in fibre:
        assert as_decimal(row[numerator]) <= as_decimal(row[denominator])
        share = as_decimal(row[headers.index("Giá trị")])
        computed = as_decimal(row[numerator]) * 100 / as_decimal(row[denominator])
        assert share == computed.quantize(Decimal("0.01"))
    # Only a ratio has terms; a count leaves them empty.
    ftth = next(row for row in rows[1:] if row[0].startswith("Thuê bao FTTH"))
    assert (ftth[numerator], ftth[denominator]) == ("", "")
    # The page keeps to the share.
    assert "Numerator" not in page(client_official, url)


def test_it_keeps_the_terms_of_each_quarter_in_the_series_download(client_official, world):
    url = f"/dashboards/agreements/{world.lao_cai_2021.pk}/?export=csv&table=series"
    rows = read_csv(download(client_official, url))
    headers = rows[0]
    q2 = headers.index("Quý 2/2025")
    labels = [row[0] for row in rows[1:] if row[0].startswith("Thôn")]
    assert [label.rsplit(": ", 1)[-1] for label in labels[1:]] == ["tử số", "mẫu số"]
    share, numerator, denominator = (
        next(row for row in rows[1:] if row[0] == label)[q2] for label in labels
    )
    assert (share, numerator, denominator) == ("72,02", "1130", "1569")


def test_it_rounds_projections_to_the_kpis_precision(client_official, world):
    for fmt, delimiter in (("csv", ";"), ("csv_point", ",")):
        url = f"/dashboards/agreements/{world.lao_cai_2021.pk}/?export={fmt}&table=progress"
        rows = read_csv(download(client_official, url), delimiter=delimiter)
        projected = rows[0].index("Dự báo cuối kỳ")
        for row in rows[1:]:
            if row[projected] and not row[0].startswith(("Thôn", "Dịch vụ")):
                assert row[projected].isdigit(), f"{row[0]}: {row[projected]} is not whole"
    workbook = read_xlsx(
        download(
            client_official,
            f"/dashboards/agreements/{world.lao_cai_2021.pk}/?export=xlsx&table=progress",
        )
    )
    projected = workbook[0].index("Dự báo cuối kỳ")
    counts = [row for row in workbook[1:] if row[0].startswith(("Thuê bao", "Trạm"))]
    assert counts and all(isinstance(row[projected], int) for row in counts)


def test_a_fractional_projection_of_subscribers_is_written_whole():
    from dashboards.services import FIGURE_COLUMNS, Column, Table

    table = Table(
        "progress",
        "Tiến độ",
        [Column("kpi", "Chỉ tiêu"), *FIGURE_COLUMNS],
        [
            {"kpi": "Thuê bao FTTH", "value": Decimal(130000), "projected": Decimal("137492.5")},
            {"kpi": "Thôn có cáp quang", "value": Decimal("65.255"), "_share": True},
        ],
    )
    with translation.override("en"):
        headers = table.export_headers()
    ftth, fibre = table.export_rows()
    assert ftth[headers.index("Projected at the target date")] == 137493
    assert fibre[headers.index("Value")] == 65.26
    assert [csv_value(v, ",") for v in (137493, 65.26, Decimal("0.5"), None, "Hà Nội")] == [
        "137493",
        "65,26",
        "0,5",
        "",
        "Hà Nội",
    ]


def test_a_download_is_built_once_for_each_state_of_the_figures(
    client_official, world, django_assert_max_num_queries
):
    agreement = world.lao_cai_2021
    url = f"/dashboards/agreements/{agreement.pk}/?export=csv&table=series"
    first = download(client_official, url)
    # Session, user, the data's version and the agreement: the file is not built again.
    with django_assert_max_num_queries(5):
        again = download(client_official, url)
    assert again.content == first.content
    assert download(client_official, url.replace("csv", "xlsx")).content != first.content

    # A late report of an earlier quarter: a row of its own in the series.
    report(agreement, "2024Q2", {world.kpis["bts_total"]: 1077})
    progress.recompute_agreement(agreement.pk)
    changed = read_csv(download(client_official, url))
    assert changed != read_csv(first)
    assert any("1077" in row for row in changed)
    assert not any("1077" in row for row in read_csv(first))


def _lao_cai(rows: list[list]) -> list:
    return next(row for row in rows[1:] if str(row[0]).endswith("Lào Cai"))


def test_the_comparison_downloads_the_earlier_phase_first_with_its_coverage(
    client_official, world, module_provinces
):
    # The phases asked for the other way round: the page, the CSV and Excel all put 2014–2020
    # first, and say as of when and for how many former units each figure stands.
    url = "/compare/?kpi=ftth_subscribers&first=2021-2025&second=2014-2020&table=compare"
    rows = read_csv(download(client_official, url + "&export=csv"))
    headers, lao_cai = rows[0], _lao_cai(rows)
    assert "2014–2020" in headers[1]
    assert "2021–2025" in headers[4]
    with translation.override("vi"):
        expected = [
            coverage(
                ProvinceProgress.objects.get(
                    province=module_provinces.lao_cai,
                    phase__code=phase,
                    kpi=world.kpis["ftth_subscribers"],
                )
            )
            for phase in ("2014-2020", "2021-2025")
        ]
    assert [lao_cai[1], lao_cai[3], lao_cai[4], lao_cai[6], lao_cai[7]] == [
        "46495",
        expected[0],
        "88000",
        expected[1],
        "41505",
    ]
    excel = _lao_cai(read_xlsx(download(client_official, url + "&export=xlsx")))
    assert [excel[1], excel[3], excel[4], excel[6], excel[7]] == [
        46495,
        expected[0],
        88000,
        expected[1],
        41505,
    ]


def test_the_comparison_downloads_a_shares_change_in_percentage_points(client_official, world):
    rows = read_csv(
        download(client_official, "/compare/?kpi=villages_fibre&export=csv&table=compare")
    )
    assert rows[0][7] == "Thay đổi (điểm phần trăm)"
    # 67.17% of villages now against 65.26% in 2020.
    assert _lao_cai(rows)[7] == "1,91"


def test_the_decimal_point_csv_writes_the_numbers_in_its_text_its_own_way(client_official, world):
    comma = read_csv(download(client_official, "/?export=csv&table=headline"))
    point = read_csv(download(client_official, "/?export=csv_point&table=headline"), delimiter=",")
    reached = comma[0].index("Số tỉnh, thành phố đạt mục tiêu")
    texts = {row[0]: row[reached] for row in comma[1:]}
    texts_point = {row[0]: row[reached] for row in point[1:]}
    # The Vietnamese Excel's file keeps the page's Vietnamese numbers in its words…
    assert texts["Thuê bao FTTH (trạm)"] == "0/3 đơn vị đạt mục tiêu; dao động 33.000–55.000"
    # …the other writes them as its figures are written: 33.000 would read as 33 there.
    assert texts_point["Thuê bao FTTH (trạm)"] == "0/3 đơn vị đạt mục tiêu; dao động 33000–55000"
    assert texts_point["Thôn, bản có cáp quang (thôn)"].endswith("dao động 60.8%–72.0%")
    for row in point[1:]:
        for text in row:
            assert not re.search(r"\d\.\d{3}(?!\d)|\d,\d", text), (row[0], text)
    # Quarters and dates are not numbers to rewrite.
    assert csv_value("số liệu tính đến Quý 2/2025 · 2/2 tỉnh, 01/07/2025", ".") == (
        "số liệu tính đến Quý 2/2025 · 2/2 tỉnh, 01/07/2025"
    )
    assert csv_value("dao động 1.099,5–6.647 và 1,5%", ".") == "dao động 1099.5–6647 và 1.5%"
    assert csv_value("dao động 1.099–6.647", ",") == "dao động 1.099–6.647"


@pytest.mark.parametrize(
    ("url", "field", "label"),
    [
        ("/?phase=bogus&export=csv&table=headline", "phase", "Phase"),
        ("/?kpi=bogus&export=csv&table=map", "kpi", "KPI"),
        ("/?units=bogus&export=xlsx&table=map", "units", "Map of"),
        ("/compare/?first=bogus&export=csv&table=compare", "first", "Earlier phase"),
    ],
)
def test_a_download_of_a_choice_the_page_refuses_is_refused_with_its_errors(
    client_official, world, url, field, label
):
    # The page shows the default choices' figures beside its errors; a file would not say so.
    response = client_official.get(url, **EN)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response
    text = response.content.decode()
    assert text.startswith("Nothing was downloaded: a choice on the page is not valid.")
    assert f"\n{label}: Select a valid choice." in text
    # A script gets the refusals' shape, the errors by field.
    answer = client_official.get(url, HTTP_ACCEPT="application/json", **EN).json()
    assert answer["code"] == "invalid_choices"
    assert list(answer["errors"]) == [field]
    assert answer["errors"][field][0].startswith("Select a valid choice.")
    # In Vietnamese for a reader in Vietnamese.
    vietnamese = client_official.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert vietnamese.startswith("Chưa tải xuống được")


def test_the_comparison_names_the_phase_of_each_column_and_whether_it_has_ended(
    client_official, official, world
):
    url = "/compare/?kpi=ftth_subscribers&table=compare&export=csv"
    headers = read_csv(download(client_official, url))[0]
    # Two columns of one heading left the reader to guess which phase each was.
    assert len(set(headers)) == len(headers)
    assert headers[3] == "Số liệu tính đến và mức độ báo cáo, giai đoạn 2014–2020"
    assert headers[6] == "Số liệu tính đến và mức độ báo cáo, giai đoạn 2021–2025"
    # In August 2025 the later phase runs: what it has reached is so far.
    assert headers[4] == "Đạt được đến nay trong giai đoạn 2021–2025"
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=VIETNAM)):
        cache.clear()
        client_official.force_login(official)
        headers = read_csv(download(client_official, url))[0]
        html = page(client_official, "/compare/?kpi=ftth_subscribers")
    assert headers[4] == "Đạt được đến hết giai đoạn 2021–2025"
    assert "Reached by the end of 2021–2025" in html
    assert "so far" not in html
