"""CSV and Excel downloads of a dashboard's tables.

A download writes the same `Table` the page shows, with the page's filters, so
the two cannot disagree. Headers are in Vietnamese, the portal's language of
record, whatever language the user browses in; numbers are written as numbers
(not as formatted text) so spreadsheets can add them up.

A CSV is written for the Excel that opens it: `csv` for a Vietnamese Excel, which
takes the comma as its decimal mark and so separates columns with a semicolon
(65,26;1569), `csv_point` for other tools (65.26,1569). Neither groups thousands, and
`csv_point` writes the numbers inside its text its own way too (1099–6647, not 1.099–6.647).

A download of choices the page refuses is refused too (400, with the form's errors): the
page shows the default choices' figures beside the errors, which a file cannot.
"""

import csv
import functools
import io
import re
from decimal import Decimal

import django_filters
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from unidecode import unidecode

from core import answers
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


class ChoicesRefused(Exception):
    """The page's choices are not valid: its forms say why."""

    def __init__(self, forms: list):
        super().__init__("invalid choices")
        self.forms = forms


def download(page: Page, query: QueryDict) -> HttpResponse | None:
    """The table and format `query` names (`export`, `table`) of `page` as a download, or
    None if the page has no such table or format. Raises ChoicesRefused when the page's
    choices are not valid.

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
            table = _tables(page).get(table_key)
        if table is None:
            return None
        content = _content(table, fmt)
        cache.set(key, (version, content), CACHE_SECONDS)
    return _response(content, table_key, fmt, page.stem)


def _tables(page: Page) -> dict:
    """The page's tables as its downloads hold them (`Page.tables`), from one build of the
    page, which also holds its filters: refused when a choice is not valid."""
    built = page.build(download=True)
    forms = [
        value.form
        for value in built.values()
        if isinstance(value, django_filters.FilterSet) and value.form.errors
    ]
    if forms:
        raise ChoicesRefused(forms)
    tables = built["tables"]
    for part in page.parts:
        tables.update(part.tables())
    return tables


def refusal(request, refused: ChoicesRefused) -> HttpResponse:
    """The answer to a download of refused choices, in the reader's language: the form's
    errors by field, as plain text, or in the refusals' JSON shape to a script."""
    message = _(
        "Nothing was downloaded: a choice on the page is not valid. Correct it on the page, "
        "then download again."
    )
    errors = {}
    for form in refused.forms:
        for name, messages in form.errors.items():
            errors.setdefault(name, []).extend(messages)
    if answers.wants_json(request):
        return JsonResponse(answers.refusal(message, "invalid_choices", errors=errors), status=400)
    fields = {name: field for form in refused.forms for name, field in form.fields.items()}
    lines = [
        f"{fields[name].label}: {text}" if name in fields else text
        for name, messages in errors.items()
        for text in messages
    ]
    return HttpResponse(
        "\n".join([message, *lines]) + "\n", content_type="text/plain; charset=utf-8", status=400
    )


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


@functools.cache
def _numbers_in_text() -> tuple[re.Pattern, dict]:
    """A number as the export's language writes it inside text (46.495, 75,1, 1.099,5)
    standing alone, not a piece of a date or a quarter; and how to ungroup it."""
    group = get_format("THOUSAND_SEPARATOR", EXPORT_LANGUAGE, use_l10n=True)
    point = get_format("DECIMAL_SEPARATOR", EXPORT_LANGUAGE, use_l10n=True)
    g, p = re.escape(group), re.escape(point)
    pattern = re.compile(
        rf"(?<![\d.,])(?:\d{{1,3}}(?:{g}\d{{3}})+(?:{p}\d+)?|\d+{p}\d+)(?![.,]?\d)"
    )
    return pattern, {"group": group, "point": point}


def csv_value(value, decimal_mark: str) -> str:
    """A cell as CSV text: a number without grouping, with the chosen decimal mark.

    Text keeps its words in the export's language; the numbers in it (a range, a share)
    follow the CSV's convention when it is not that language's: "dao động 1.099–6.647"
    read as 1.099 in an English Excel.
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        pattern, marks = _numbers_in_text()
        if decimal_mark == marks["point"]:
            return str(value)
        ungrouped = str.maketrans({marks["group"]: None, marks["point"]: decimal_mark})
        return pattern.sub(lambda number: number.group(0).translate(ungrouped), str(value))
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
