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

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from unidecode import unidecode

from core.spreadsheets import append_row, safe_cell

from .services import Table

# Each CSV format: its column separator and its decimal mark.
CSV_DIALECTS = {"csv": (";", ","), "csv_point": (",", ".")}
FORMATS = (*CSV_DIALECTS, "xlsx")
EXPORT_LANGUAGE = "vi"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(table: Table, stem: str, extension: str) -> str:
    day = timezone.localdate().isoformat()
    name = slugify(unidecode(f"{stem} {table.key}")) or "export"
    return f"{name}-{day}.{extension}"


def export(table: Table, fmt: str, stem: str) -> HttpResponse:
    """The table as a download; build it in EXPORT_LANGUAGE, as the views do."""
    with translation.override(EXPORT_LANGUAGE):
        headers = table.export_headers()
        rows = table.export_rows()
        title = str(table.title)
    if fmt == "xlsx":
        return _xlsx(table, stem, title, headers, rows)
    return _csv(table, stem, headers, rows, *CSV_DIALECTS[fmt])


def csv_value(value, decimal_mark: str) -> str:
    """A cell as CSV text: a number without grouping, with the chosen decimal mark."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    return format(Decimal(str(value)), "f").replace(".", decimal_mark)


def _csv(
    table: Table, stem: str, headers: list, rows: list, delimiter: str, decimal_mark: str
) -> HttpResponse:
    buffer = io.StringIO()
    # The byte-order mark makes Excel read the file as UTF-8 and keep the diacritics.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([safe_cell(header) for header in headers])
    for row in rows:
        writer.writerow([safe_cell(csv_value(value, decimal_mark)) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(table, stem, "csv")}"'
    return response


def _xlsx(table: Table, stem: str, title: str, headers: list, rows: list) -> HttpResponse:
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
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(table, stem, "xlsx")}"'
    return response
