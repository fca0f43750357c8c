"""CSV and Excel downloads of a dashboard's tables.

A download writes the same `Table` the page shows, with the page's filters, so
the two cannot disagree. Headers are in Vietnamese, the portal's language of
record, whatever language the user browses in; numbers are written as numbers
(not as formatted text) so spreadsheets can add them up.

A CSV is written for the Excel that opens it: `csv` for a Vietnamese Excel, which
takes the comma as its decimal mark and so separates columns with a semicolon
(65,26;1569), `csv_point` for other tools (65.26,1569). Neither groups thousands.
"""

import csv
import io
from decimal import Decimal

from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.utils import timezone, translation
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from unidecode import unidecode

from core.spreadsheets import append_row, safe_cell

from .services import CACHE_SECONDS, Page, Table, current_value

# Each CSV format: its column separator and its decimal mark.
CSV_DIALECTS = {"csv": (";", ","), "csv_point": (",", ".")}
FORMATS = (*CSV_DIALECTS, "xlsx")
EXPORT_LANGUAGE = "vi"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(table_key: str, stem: str, extension: str) -> str:
    day = timezone.localdate().isoformat()
    name = slugify(unidecode(f"{stem} {table_key}")) or "export"
    return f"{name}-{day}.{extension}"


def download(page: Page, query: QueryDict) -> HttpResponse | None:
    """The table and format `query` names (`export`, `table`) of `page` as a download, or
    None if the page has no such table or format.

    Built once per state of the data it shows, like the page's body: every official
    downloading the same table with the same choices gets the same file, and under
    load the national map's download cost a whole page's build each time.
    """
    fmt, table_key = query.get("export"), query.get("table", "")
    if fmt not in FORMATS:
        return None
    # The query names the table and the format, so its key is the download's own.
    key = f"{page.key(query, EXPORT_LANGUAGE)}:download"
    version = "|".join(part.version() for part in (page, *page.parts))
    content = current_value(cache.get(key), version)
    if content is None:
        with translation.override(EXPORT_LANGUAGE):
            table = page.tables().get(table_key)
        if table is None:
            return None
        content = _content(table, fmt)
        cache.set(key, (version, content), CACHE_SECONDS)
    return _response(content, table_key, fmt, page.stem)


def export(table: Table, fmt: str, stem: str) -> HttpResponse:
    """The table as a download; build it in EXPORT_LANGUAGE, as the views do."""
    return _response(_content(table, fmt), table.key, fmt, stem)


def _content(table: Table, fmt: str) -> bytes:
    with translation.override(EXPORT_LANGUAGE):
        headers = table.export_headers()
        rows = table.export_rows()
        title = str(table.title)
    if fmt == "xlsx":
        return _xlsx(title, headers, rows)
    return _csv(headers, rows, *CSV_DIALECTS[fmt])


def _response(content: bytes, table_key: str, fmt: str, stem: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(content, content_type=XLSX_TYPE)
        extension = "xlsx"
    else:
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        extension = "csv"
    response["Content-Disposition"] = (
        f'attachment; filename="{filename(table_key, stem, extension)}"'
    )
    return response


def csv_value(value, decimal_mark: str) -> str:
    """A cell as CSV text: a number without grouping, with the chosen decimal mark."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    return format(Decimal(str(value)), "f").replace(".", decimal_mark)


def _csv(headers: list, rows: list, delimiter: str, decimal_mark: str) -> bytes:
    buffer = io.StringIO()
    # The byte-order mark makes Excel read the file as UTF-8 and keep the diacritics.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([safe_cell(header) for header in headers])
    for row in rows:
        writer.writerow([safe_cell(csv_value(value, decimal_mark)) for value in row])
    return buffer.getvalue().encode()


def _xlsx(title: str, headers: list, rows: list) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    # Sheet names are limited to 31 characters and refuse a few punctuation marks.
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Data"
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, row)
    for index, header in enumerate(headers, start=1):
        longest = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, longest + 2))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
