"""Cells the portal writes into CSV and XLSX files, safe to open in a spreadsheet.

Text typed by users (a note, a commitment, a name) ends up in downloads. A cell
that starts with `=`, `+`, `-`, `@` (or a tab or carriage return before one)
is run as a formula by Excel and LibreOffice, which can fetch URLs or start
programs (CSV injection). Every writer of a CSV or XLSX file passes its cells
through `safe_cell` (CSV) or `append_row` (XLSX); the bulk import reads them
back with `unescaped`, so a downloaded template re-uploaded changes nothing.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What a spreadsheet reads as a plain number, such as -12, +3,5 or -1.234,5: not a formula.
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d.,\s\u00a0]*%?$")
ESCAPE = "'"


def needs_escape(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text)


def safe_cell(value):
    """A CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe, so
    that Excel and LibreOffice show it as text (OWASP's advice for CSV injection)."""
    if isinstance(value, str) and needs_escape(value):
        return ESCAPE + value
    return value


def append_row(sheet, row) -> None:
    """Append a row to an openpyxl sheet with every text cell stored as text.

    openpyxl turns a string starting with `=` into a formula; stored as a string
    with the quote prefix instead, it shows exactly what was typed and stays text
    if someone edits it in Excel.
    """
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and needs_escape(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def unescaped(text: str) -> str:
    """A cell read back from a file the portal wrote, without the apostrophe `safe_cell` added."""
    if text.startswith(ESCAPE) and needs_escape(text[1:]):
        return text[1:]
    return text
