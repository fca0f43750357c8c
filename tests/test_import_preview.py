"""What the import's preview tells before anything is saved: each column a row changes, every
problem of a row at once, and a file in an encoding it cannot read."""

import csv
import datetime
import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.parsing import parse_date, parse_number
from milestones.models import KpiValue

from .api import EN, VI
from .factories import KpiValueFactory, QuarterlyReportFactory
from .test_import import HEADER, csv_bytes, token_of, upload

pytestmark = pytest.mark.django_db

LANGUAGES = {"en": EN, "vi": VI}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def draft(laocai):
    """Lào Cai's 2021Q4 draft: 1,100 stations measured on 31/12/2021, with a note."""
    report = QuarterlyReportFactory(agreement=laocai.agreement, quarter=20214)
    KpiValueFactory(
        report=report,
        kpi=laocai.bts_total,
        value=1100,
        measured_on=datetime.date(2021, 12, 31),
        note="Số liệu sơ bộ.",
    )
    KpiValueFactory(
        report=report, kpi=laocai.villages_fibre, value=None, numerator=1100, denominator=1569
    )
    return report


def template(client, language: str) -> list[list[str]]:
    response = client.get(
        reverse("milestones:import-template"),
        {"quarter": "2021Q4", "format": "csv"},
        **LANGUAGES[language],
    )
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def row_of(rows: list[list[str]], kpi: str) -> list[str]:
    return next(row for row in rows if row[4] == kpi)


def preview(client, content: bytes, language: str):
    location = upload(client, content)["Location"]
    return location, client.get(location, **LANGUAGES[language]).content.decode()


def changed_columns(page: str) -> list[list[str]]:
    """Each line of the changes table as read: its column, the value now and after."""
    table = re.search(r'<table class="import-changes">.*?<tbody>(.*?)</tbody>', page, re.S)
    lines = []
    for line in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", line, re.S)
        lines.append([html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells[-3:]])
    return lines


def error_lines(page: str) -> list[list[str]]:
    table = re.search(r'<table class="import-errors">.*?<tbody>(.*?)</tbody>', page, re.S)
    return [
        [html.unescape(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", line, re.S)]
        for line in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


# Each column a row changes ----------------------------------------------------------------

CLEARED_DATE = {
    "en": ("1 value would change", ["Measured on", "31 Dec 2021", "(cleared)"]),
    "vi": ("1 giá trị sẽ thay đổi", ["Ngày ghi nhận", "31/12/2021", "(xóa)"]),
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_cleared_date_shows_in_the_preview_before_it_is_saved(
    client, staff_laocai, draft, media, language
):
    client.force_login(staff_laocai)
    rows = template(client, language)
    measured_on = rows[0].index({"en": "Measured on", "vi": "Ngày ghi nhận"}[language])
    assert row_of(rows, "bts_total")[measured_on] == "2021-12-31"
    row_of(rows, "bts_total")[measured_on] = ""
    location, page = preview(client, as_csv(rows), language)
    heading, line = CLEARED_DATE[language]
    assert heading in page
    assert changed_columns(page) == [line], "only the date changes, and it says so"
    client.post(reverse("milestones:import-confirm", args=[token_of(location)]), **EN)
    value = KpiValue.objects.get(report=draft, kpi__code="bts_total")
    assert (value.value, value.measured_on, value.note) == (1100, None, "Số liệu sơ bộ.")


def test_a_file_without_the_date_and_note_columns_keeps_the_stored_ones(
    client, staff_laocai, draft, media
):
    client.force_login(staff_laocai)
    rows = template(client, "en")
    kept = [rows[0].index(name) for name in ("Measured on", "Note")]
    # A file cut down to the columns its author fills in.
    rows = [[cell for index, cell in enumerate(row) if index not in kept] for row in rows]
    row_of(rows, "bts_total")[rows[0].index("Value")] = "1200"
    location, page = preview(client, as_csv(rows), "en")

    assert changed_columns(page) == [["Value", "1,100", "1,200"]]
    client.post(reverse("milestones:import-confirm", args=[token_of(location)]), **EN)
    value = KpiValue.objects.get(report=draft, kpi__code="bts_total")
    assert (value.value, value.measured_on, value.note) == (
        1200,
        datetime.date(2021, 12, 31),
        "Số liệu sơ bộ.",
    )


def test_the_preview_shows_each_changed_column_and_skips_an_unchanged_row(
    client, staff_laocai, draft, media
):
    client.force_login(staff_laocai)
    rows = template(client, "en")
    note, numerator = rows[0].index("Note"), rows[0].index("Numerator")
    row_of(rows, "bts_total")[note] = "Đã đối soát."
    row_of(rows, "villages_fibre")[numerator] = "1200"
    _location, page = preview(client, as_csv(rows), "en")
    assert "2 values would change" in page
    # On a phone the wide table scrolls in its own frame, named as its heading.
    assert (
        '<div class="scroll" tabindex="0" role="region" aria-label="2 values would change">' in page
    )
    assert changed_columns(page) == [
        ["Note", "Số liệu sơ bộ.", "Đã đối soát."],
        ["Numerator", "1,100", "1,200"],
    ]

    rows = template(client, "en")
    row_of(rows, "bts_total")[rows[0].index("Value")] = "1200"
    row_of(rows, "bts_total")[rows[0].index("Measured on")] = "15/12/2021"
    _location, page = preview(client, as_csv(rows), "en")
    assert "1 value would change" in page
    assert changed_columns(page) == [
        ["Value", "1,100", "1,200"],
        ["Measured on", "31 Dec 2021", "15 Dec 2021"],
    ]
    assert "1 row repeats the saved value and is skipped." in page


def test_a_first_value_date_and_note_show_nothing_before_them(client, staff_laocai, laocai, media):
    client.force_login(staff_laocai)
    content = csv_bytes(
        ["Lào Cai", "", "2021Q4", "bts_total", "1100", "", "", "31/12/2021", "Mới."],
        header=[*HEADER, "measured_on", "note"],
    )
    _location, page = preview(client, content, "vi")
    assert changed_columns(page) == [
        ["Giá trị", "—", "1.100"],
        ["Ngày ghi nhận", "—", "31/12/2021"],
        ["Ghi chú", "—", "Mới."],
    ]


# Every problem of a row at once -------------------------------------------------------------


def refusal(parse, typed: str) -> str:
    """What the import says of a cell it cannot read, in the active language (the wording
    is core.parsing's)."""
    with pytest.raises(ValidationError) as refused:
        parse(typed)
    return refused.value.messages[0]


# A fraction of a station, and a date written month first.
TWO_PROBLEMS = {
    "en": (
        "1100.5",
        ["2", "Value", "BTS stations is a count of whole stations: 1,100.5 is not a whole number."],
        "Measured on",
    ),
    "vi": (
        "1100,5",
        ["2", "Giá trị", "Trạm BTS phải là số nguyên (đơn vị: trạm); 1.100,5 có phần thập phân."],
        "Ngày ghi nhận",
    ),
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_row_with_two_problems_lists_both(client, staff_laocai, laocai, media, language):
    client.force_login(staff_laocai)
    value, fraction, date_column = TWO_PROBLEMS[language]
    content = csv_bytes(
        ["Lào Cai", "", "2021Q4", "bts_total", value, "", "", "12/31/2021"],
        header=[*HEADER, "measured_on"],
    )
    _location, page = preview(client, content, language)
    with translation.override(language):
        date = ["2", date_column, refusal(parse_date, "12/31/2021")]
    assert error_lines(page) == [date, fraction]
    heading = re.search(r"<h2>(\d+ (?:errors|lỗi))</h2>", page).group(1)
    assert f'role="region" aria-label="{heading}">' in page
    assert "Save these values as drafts" not in page


def test_an_unreadable_cell_is_told_once_beside_the_rules_broken_by_the_others(
    client, staff_laocai, laocai, media
):
    client.force_login(staff_laocai)
    content = csv_bytes(
        ["Lào Cai", "", "2021Q4", "villages_fibre", "", "many", "0"],
        ["Lào Cai", "", "autumn", "bts_total", "x", "", ""],
    )
    _location, page = preview(client, content, "en")
    with translation.override("en"):
        no_number = refusal(parse_number, "many")
    assert error_lines(page) == [
        ["2", "Numerator", no_number],
        ["2", "Denominator", "The denominator must be greater than zero."],
        ["3", "Value", no_number],
        ["3", "Quarter", "Enter a quarter as year and number, such as 2021Q4 or Q4/2021."],
    ]
    assert "Save these values as drafts" not in page


# A file in an encoding the import cannot read -------------------------------------------------

ENCODING_MESSAGES = {
    "utf-16": {
        "en": "The file is saved as Unicode text (UTF-16), which the import cannot read. Save it "
        "again as “CSV UTF-8 (Comma delimited)” or as an Excel workbook (.xlsx).",
        "vi": "Tệp được lưu dưới dạng văn bản Unicode (UTF-16) nên hệ thống không đọc được. "
        "Hãy lưu lại tệp dưới dạng “CSV UTF-8 (Comma delimited)” hoặc bảng tính Excel (.xlsx).",
    },
    "undecodable": {
        "en": "The file is not text in UTF-8, the encoding the import reads. Save it again as "
        "“CSV UTF-8 (Comma delimited)” or as an Excel workbook (.xlsx).",
        "vi": "Tệp không được mã hóa UTF-8 nên hệ thống không đọc được. Hãy lưu lại tệp dưới "
        "dạng “CSV UTF-8 (Comma delimited)” hoặc bảng tính Excel (.xlsx).",
    },
}


def saved_state():
    return sorted(KpiValue.objects.values_list("pk", "value", "measured_on", "note"))


def as_unicode_text(rows: list[list[str]], encoding: str) -> bytes:
    """The rows as Excel saves "Unicode text": tab-separated, with a byte-order mark."""
    return "\r\n".join("\t".join(row) for row in rows).encode(encoding)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom"])
def test_a_utf16_file_is_told_its_encoding_and_nothing_is_saved(
    client, staff_laocai, draft, media, language, encoding
):
    client.force_login(staff_laocai)
    rows = template(client, language)
    row_of(rows, "bts_total")[rows[0].index("Value" if language == "en" else "Giá trị")] = "1200"
    content = (
        as_unicode_text(rows, "utf-16")
        if encoding == "utf-16"
        else "\ufeff".encode("utf-16-be") + as_unicode_text(rows, "utf-16-be")
    )
    before = saved_state()
    response = client.post(
        reverse("milestones:import"),
        {"file": named("figures.csv", content)},
        **LANGUAGES[language],
    )
    assert response.status_code == 200
    assert form_errors(response) == [ENCODING_MESSAGES["utf-16"][language]]
    assert saved_state() == before
    assert not (media / "imports").exists() or not any((media / "imports").iterdir())


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_file_in_no_encoding_the_import_reads_is_told_to_be_saved_as_utf8(
    client, staff_laocai, draft, media, language
):
    client.force_login(staff_laocai)
    before = saved_state()
    # Bytes that neither UTF-8 nor Windows-1258 (an older Excel's Vietnamese CSV) can be.
    content = csv_bytes(["Lào Cai", "", "2021Q4", "bts_total", "1200", "", ""]) + b"\x81\x8d\n"
    response = client.post(
        reverse("milestones:import"), {"file": named("figures.csv", content)}, **LANGUAGES[language]
    )
    assert form_errors(response) == [ENCODING_MESSAGES["undecodable"][language]]
    assert saved_state() == before


def test_a_csv_from_an_older_excel_in_windows_1258_still_imports(
    client, staff_laocai, draft, media
):
    client.force_login(staff_laocai)
    content = "province,quarter,kpi,value\nLào Cai,2021Q4,bts_4g,400\n".encode("cp1258")
    location = upload(client, content)["Location"]
    page = client.get(location, **EN).content.decode()
    assert changed_columns(page) == [["Value", "—", "400"]]


def form_errors(response) -> list[str]:
    """The upload form's messages, as the page lists them."""
    assert response.status_code == 200
    lists = re.findall(
        r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S
    )
    return [html.unescape(item) for items in lists for item in re.findall(r"<li>(.*?)</li>", items)]


def named(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
