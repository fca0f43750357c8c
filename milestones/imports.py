"""Bulk import of quarterly values from a CSV or XLSX file, checked whole before anything is saved.

The file is read into rows, every row is matched to a province, an agreement, a
quarter and a KPI, and every affected report is checked with the same
`checks.check_report` the entry form uses. Only a file without a single error
can be applied, and it is applied through `services.save_draft` in one
transaction: all of it or none of it.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import logging
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.parsing import parse_date, parse_number, parse_quarter, quarter_label
from core.quarters import Quarter
from core.search import fold, fold_code
from core.spreadsheets import append_row, safe_cell, unescaped
from milestones.models import KpiValue, QuarterlyReport
from partnerships.models import Agreement, Kpi, KpiKind
from provinces.access import Action, can
from provinces.lineage import ProvinceTree
from provinces.models import Province

from . import history, schedule, services
from .checks import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Reading,
    agreements_kpis,
    check_report,
    figure_parts,
    key_parts,
    kpi_code_of,
    period_refusal,
    readings_of,
    report_kpis,
    untracked_kpi_message,
)

logger = logging.getLogger(__name__)

CSV, XLSX = ".csv", ".xlsx"
FORMATS = (CSV, XLSX)
# A template has 13 columns, and rows up to settings.IMPORT_MAX_ROWS are read; the bounds
# keep a hostile file from holding a server for minutes.
IMPORT_MAX_COLUMNS = 40
XLSX_MAX_UNPACKED_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    label: str


COLUMNS = (
    # No comma in a heading: a CSV's separator is guessed from the heading row.
    Column("province", pgettext_lazy("import column", "Province")),
    Column("agreement_id", gettext_lazy("Agreement number")),
    Column("agreement", gettext_lazy("Agreement")),
    Column("quarter", gettext_lazy("Quarter")),
    Column("kpi", gettext_lazy("KPI code")),
    Column("kpi_name", gettext_lazy("KPI")),
    Column("unit", gettext_lazy("Unit")),
    Column("value", gettext_lazy("Value")),
    Column("numerator", gettext_lazy("Numerator")),
    Column("denominator", gettext_lazy("Denominator")),
    Column("measured_on", gettext_lazy("Measured on")),
    Column("note", gettext_lazy("Note")),
    Column("reason", gettext_lazy("Reason for an unusual value")),
)
COLUMN_LABELS = {column.key: column.label for column in COLUMNS}
REQUIRED_COLUMNS = ("province", "quarter", "kpi")
FIGURES = ("value", "numerator", "denominator")
KEPT_WITHOUT_THEIR_COLUMN = ("measured_on", "note")


class ImportFileError(Exception):
    """The file as a whole cannot be read; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ImportRefused(Exception):
    """Applying a checked file failed; nothing of it was saved."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    number: int
    cells: dict[str, object]

    def text(self, key: str) -> str:
        value = self.cells.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return unescaped(str(value).strip())

    def is_blank(self) -> bool:
        return all(self.text(key) == "" for key in self.cells)


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ChangedColumn:
    """One column a row changes, old and new as the report's history shows them ("" for none)."""

    column: str
    old: str
    new: str

    @property
    def cleared(self) -> bool:
        return bool(self.old) and not self.new


@dataclass
class Change:
    row: int
    province: Province
    agreement: Agreement
    quarter: Quarter
    kpi: Kpi
    # The figure before and after, whichever of its columns changed.
    old: str
    new: str
    columns: list[ChangedColumn] = field(default_factory=list)


@dataclass
class ReportPlan:
    """What the file asks of one report: the readings to save over the stored ones."""

    agreement: Agreement
    quarter: Quarter
    report: QuarterlyReport
    readings: dict[int, Reading]
    lines: dict[int, Kpi] = field(default_factory=dict)
    rows: dict[str, Row] = field(default_factory=dict)
    # By KPI code: the reasons the file gives, and the stored values that carry one, read
    # once for the rows that repeat their reason and for the check of the new warnings.
    reasons: dict[str, str] = field(default_factory=dict)
    reasoned: dict[str, KpiValue] = field(default_factory=dict)
    # The KPI codes whose row differs from what is stored.
    changed_kpis: set[str] = field(default_factory=set)
    # By row number: the columns that could not be read. The rules see those cells empty,
    # and their refusal of an empty cell would only repeat the reading error.
    unreadable: dict[int, set[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.changed_kpis)

    @property
    def key(self) -> str:
        return f"{self.agreement.pk}:{self.quarter.code}"

    @property
    def version(self) -> int:
        return self.report.version if self.report.pk else 0


@dataclass
class ImportPlan:
    rows_read: int = 0
    # Rows that repeat what is stored: skipped, and counted in the preview.
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    reports: list[ReportPlan] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed_reports(self) -> list[ReportPlan]:
        return [plan for plan in self.reports if plan.changed]

    @property
    def versions(self) -> dict[str, int]:
        """The version of each report as the preview saw it, to refuse changes made since."""
        return {plan.key: plan.version for plan in self.changed_reports}

    def error(self, row: int, column: str, message) -> None:
        label = COLUMN_LABELS.get(column, column)
        self.errors.append(RowError(row, str(label), str(message)))


# Reading files -------------------------------------------------------------------


def _header_aliases() -> dict[str, str]:
    """Each column is recognised by its key and by its heading in either language."""
    aliases = {}
    for language in ("en", "vi"):
        with translation.override(language):
            for column in COLUMNS:
                aliases[fold(str(column.label))] = column.key
    # Files made while the heading read "Tỉnh" still import.
    aliases["tinh"] = "province"
    for column in COLUMNS:
        aliases[fold(column.key)] = column.key
        aliases[fold(column.key.replace("_", " "))] = column.key
    return aliases


def _table_from_csv(data: bytes) -> Iterator[list[object]]:
    # Excel's "Unicode text" is UTF-16 with a byte-order mark. Windows-1258 would read its
    # bytes as Latin letters and NULs, and the file would be refused for its headings.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            _(
                "The file is saved as Unicode text (UTF-16), which the import cannot read. "
                "Save it again as “CSV UTF-8 (Comma delimited)” or as an Excel workbook "
                "(.xlsx)."
            )
        )
    # UTF-8, as the template is written; Windows-1258 for a CSV saved by an older Excel.
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            _(
                "The file is not text in UTF-8, the encoding the import reads. Save it again "
                "as “CSV UTF-8 (Comma delimited)” or as an Excel workbook (.xlsx)."
            )
        )
    # PostgreSQL refuses NUL in text, and no spreadsheet writes one on purpose.
    text = text.replace("\x00", "")
    # Only the delimiter is guessed, from the header: a guessed quoting rule would read
    # a note holding "" and a comma (as Excel writes them) as two cells.
    try:
        delimiter = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # A cell over the csv module's limit (131,072 characters), or a stray NUL byte.
            raise ImportFileError(
                _("Line %(line)s of the file could not be read as CSV; check its cells.")
                % {"line": reader.line_num}
            ) from exc
        yield cells[:IMPORT_MAX_COLUMNS]


def _xlsx_too_big(data: bytes) -> bool:
    """Whether the workbook unpacks to more than a spreadsheet of our size ever needs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist()) > XLSX_MAX_UNPACKED_BYTES
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _table_from_xlsx(data: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    if _xlsx_too_big(data):
        raise ImportFileError(
            _("The workbook is too large once unpacked; keep only the template's sheet.")
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        # openpyxl raises many kinds of errors for a damaged or mislabelled file.
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        # The size a sheet declares (A1:IV1048576 costs minutes and gigabytes to pad out)
        # is ignored: only the cells actually in the file are read, and only the
        # columns a template can have.
        sheet.reset_dimensions()
        yield from (
            [_cell_as_shown(cell) for cell in row]
            for row in sheet.iter_rows(max_col=IMPORT_MAX_COLUMNS)
        )
    except ImportFileError:
        raise
    except Exception as exc:
        # A damaged sheet (a shared string that is not there, a cell of unknown type)
        # only shows itself while it is read.
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    finally:
        workbook.close()


def _cell_as_shown(cell):
    """A cell's value as the sheet shows it: 86 for a cell of 0.86 formatted as "86%".

    A share typed as a percentage is stored as a fraction; read as stored it would be
    saved as 0.86 % without a word.
    """
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", "") or "")
    ):
        shown = (Decimal(format(value, ".15g")) * 100).normalize()
        return Decimal(format(shown, "f"))
    return value


def file_format(filename: str) -> str:
    """A file's format by its name, CSV or XLSX; a file of any other kind is refused."""
    extension = os.path.splitext(filename)[1].lower()
    if extension not in FORMATS:
        raise ImportFileError(_("Upload a CSV or XLSX file, such as the template."))
    return extension


def read_rows(data: bytes, filename: str) -> list[Row]:
    """The file's data rows, numbered as a spreadsheet numbers them (the header is row 1).

    At most settings.IMPORT_MAX_ROWS rows and IMPORT_MAX_COLUMNS columns are read; a file
    with more is refused as a whole rather than read in part.
    """
    extension = file_format(filename)
    table = _table_from_csv(data) if extension == CSV else _table_from_xlsx(data)
    header, header_number = None, 0
    for header_number, cells in enumerate(table, start=1):
        if any(str(c or "").strip() for c in cells):
            header = cells
            break
        _ensure_row_limit(header_number)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    aliases = _header_aliases()
    positions = {}
    for position, heading in enumerate(header):
        key = aliases.get(fold(str(heading or "")[:100]))
        if key and key not in positions:
            positions[key] = position
    missing = [COLUMN_LABELS[key] for key in REQUIRED_COLUMNS if key not in positions]
    if missing or not any(key in positions for key in FIGURES):
        needed = [*missing, *([] if any(k in positions for k in FIGURES) else [_("Value")])]
        raise ImportFileError(
            _("The file has no column %(columns)s. Start from the template.")
            % {"columns": ", ".join(str(label) for label in needed)}
        )
    rows = []
    for number, cells in enumerate(table, start=header_number + 1):
        _ensure_row_limit(number)
        row = Row(
            number=number,
            cells={
                key: cells[position] if position < len(cells) else None
                for key, position in positions.items()
            },
        )
        if not row.is_blank():
            rows.append(row)
    return rows


def _ensure_row_limit(number: int) -> None:
    if number > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(rows)s rows; split it into several files.")
            % {"rows": settings.IMPORT_MAX_ROWS}
        )


def dump_rows(rows: list[Row]) -> bytes:
    """Rows read from a file, kept between the preview and the confirmation (JSON)."""
    return json.dumps([[row.number, row.cells] for row in rows], default=_dump_cell).encode()


def load_rows(data: bytes) -> list[Row]:
    return [
        Row(number, {key: _load_cell(value) for key, value in cells.items()})
        for number, cells in json.loads(data)
    ]


def _dump_cell(value):
    # Dates and times are what a spreadsheet cell gives besides text and numbers.
    if isinstance(value, datetime.datetime | datetime.date):
        return {"type": type(value).__name__, "iso": value.isoformat()}
    return str(value)


def _load_cell(value):
    if isinstance(value, dict):
        kind = datetime.datetime if value["type"] == "datetime" else datetime.date
        return kind.fromisoformat(value["iso"])
    return value


# Matching ---------------------------------------------------------------------------


def _whole_number(text: str) -> int | None:
    """The number written in plain digits 0-9, or None: `²` and `①` are digits to Python."""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def _normal_code(text: str) -> str:
    number = _whole_number(text)
    return text if number is None else str(number)


class Catalogue:
    """Provinces, agreements and KPIs loaded once, matched without a query per row."""

    def __init__(self, user):
        self.user = user
        provinces = list(Province.objects.select_related("successor"))
        self.tree = ProvinceTree()
        self.by_name: dict[str, list[Province]] = {}
        self.by_code: dict[str, list[Province]] = {}
        for province in provinces:
            for name in {province.name, province.full_name, province.name_ascii}:
                self.by_name.setdefault(fold(name), []).append(province)
            self.by_code.setdefault(_normal_code(province.code), []).append(province)
        self.agreements = {
            agreement.pk: agreement
            # Every signed agreement: `reports_on` keeps each to the quarters it still owes.
            for agreement in Agreement.objects.signed_by().select_related("counterparty__province")
        }
        kpis = list(Kpi.objects.all())
        # Codes are read folded (`fold_code`), as the API reads them. A twin that migration
        # 0013 left without a folded code is found by its names only.
        self.kpis = {kpi.folded_code: kpi for kpi in kpis if kpi.folded_code}
        self.kpis_by_name = {}
        for kpi in kpis:
            self.kpis_by_name[fold(kpi.name_vi)] = kpi
            self.kpis_by_name[fold(kpi.name_en)] = kpi
        self._quarters: dict[int, list[Quarter]] = {}

    def provinces_named(self, text: str) -> list[Province]:
        if _whole_number(text) is not None:
            return self.by_code.get(_normal_code(text), [])
        return self.by_name.get(fold(text), [])

    def lineage(self, provinces: Iterable[Province]) -> set[int]:
        """The provinces and every unit merged into them."""
        return self.tree.with_predecessors(province.pk for province in provinces)

    def reports_on(self, agreement: Agreement, quarter: Quarter) -> bool:
        if agreement.pk not in self._quarters:
            self._quarters[agreement.pk] = schedule.reportable_quarters(agreement)
        return quarter in self._quarters[agreement.pk]

    def may_edit(self, agreement: Agreement) -> bool:
        return can(self.user, Action.EDIT, agreement.counterparty.province_id)

    def kpi(self, text: str) -> Kpi | None:
        return self.kpis.get(fold_code(text)) or self.kpis_by_name.get(fold(text))


def _match_agreement(row: Row, catalogue: Catalogue, quarter: Quarter, plan: ImportPlan):
    """The agreement a row is for, from its number or from its province's name or code."""
    province_text = row.text("province")
    candidates = catalogue.provinces_named(province_text) if province_text else []
    if province_text and not candidates:
        plan.error(
            row.number,
            "province",
            _("No province is named or numbered “%(province)s”.") % {"province": province_text},
        )
        return None
    number = row.text("agreement_id")
    if number:
        agreement = catalogue.agreements.get(_whole_number(number))
        if agreement is None:
            plan.error(
                row.number,
                "agreement_id",
                _("No agreement in force has the number %(number)s.") % {"number": number},
            )
            return None
        if candidates and agreement.counterparty.province_id not in catalogue.lineage(candidates):
            plan.error(
                row.number,
                "province",
                _("Agreement %(number)s is not with %(province)s.")
                % {"number": number, "province": province_text},
            )
            return None
        return agreement
    if not candidates:
        plan.error(row.number, "province", _("Name the province or give the agreement number."))
        return None
    # The province's own agreements first; then those of the units merged into it.
    for province_ids in ({p.pk for p in candidates}, catalogue.lineage(candidates)):
        found = [
            agreement
            for agreement in catalogue.agreements.values()
            if agreement.counterparty.province_id in province_ids
            and catalogue.reports_on(agreement, quarter)
        ]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            plan.error(
                row.number,
                "agreement_id",
                _(
                    "%(province)s has several agreements reporting on %(quarter)s; "
                    "give the agreement number."
                )
                % {"province": province_text, "quarter": quarter},
            )
            return None
    plan.error(
        row.number,
        "province",
        _("%(province)s has no agreement in force reporting on %(quarter)s.")
        % {"province": province_text, "quarter": quarter},
    )
    return None


def _reading(row: Row, kpi: Kpi | None, plan: ImportPlan) -> tuple[Reading, set[str]]:
    """The row's reading and the columns of it that could not be read, each told to the plan.

    What was read is kept for the report's rules, so a row shows every problem it has at
    once. Without a known KPI, every figure column given is read.
    """
    reading, unreadable = Reading(note=row.text("note")), set()
    for name in (*(figure_parts(kpi) if kpi else FIGURES), "measured_on"):
        try:
            parsed = (parse_date if name == "measured_on" else parse_number)(row.cells.get(name))
        except ValidationError as exc:
            for message in exc.messages:
                plan.error(row.number, name, message)
            unreadable.add(name)
            continue
        setattr(reading, name, parsed)
    for name, limit in (("note", NOTE_MAX_LENGTH), ("reason", REASON_MAX_LENGTH)):
        try:
            MaxLengthValidator(limit)(row.text(name))
        except ValidationError as exc:
            plan.error(row.number, name, exc.messages[0])
            unreadable.add(name)
    return reading, unreadable


def _display(kpi: Kpi, reading: Reading | None) -> str:
    if reading is None or reading.is_empty(kpi):
        return ""
    value = KpiValue(
        kpi=kpi, value=reading.value, numerator=reading.numerator, denominator=reading.denominator
    )
    return value.display


def _changed_columns(kpi: Kpi, old: Reading | None, new: Reading) -> list[ChangedColumn]:
    """Each column of a row that differs from what is stored: the figure's, the date, the note.

    Empty for a row that repeats what is stored, which is then no change.
    """
    old = old or Reading()
    return [
        ChangedColumn(
            str(COLUMN_LABELS[name]),
            history.shown_value(KpiValue, name, getattr(old, name)),
            history.shown_value(KpiValue, name, getattr(new, name)),
        )
        for name in (*figure_parts(kpi), "measured_on", "note")
        if getattr(old, name) != getattr(new, name)
    ]


# Checking -------------------------------------------------------------------------


def plan_import(
    rows: list[Row], user, progress: Callable[[Iterable], Iterable] = iter
) -> ImportPlan:
    """Check every row and every affected report; nothing is saved."""
    plan = ImportPlan(rows_read=len(rows))
    catalogue = Catalogue(user)
    groups: dict[tuple[int, int], ReportPlan] = {}
    for row in progress(rows):
        try:
            _plan_row(row, catalogue, groups, plan)
        except DatabaseError:
            raise
        except Exception:
            # A cell no rule foresaw must cost the user one row, not the whole page.
            logger.exception("Import row %s could not be checked", row.number)
            plan.error(row.number, "", _("This row could not be read; check its cells."))
    for group in groups.values():
        _check_group(group, plan)
        plan.reports.append(group)
    plan.errors.sort(key=lambda error: error.row)
    # A row refused once its report is checked (a locked quarter, a broken rule) was
    # taken for a change while it was read; refused, it would change nothing.
    refused = {error.row for error in plan.errors}
    plan.changes = [change for change in plan.changes if change.row not in refused]
    return plan


def _plan_row(row: Row, catalogue: Catalogue, groups: dict, plan: ImportPlan) -> None:
    """Match and check one row, adding it to its report's group or an error to the plan."""
    if all(row.text(name) == "" for name in FIGURES):
        return
    # The cells are read before the row is matched: a row shows all its problems at once.
    kpi = catalogue.kpi(row.text("kpi"))
    reading, unreadable = _reading(row, kpi, plan)
    try:
        quarter = parse_quarter(row.text("quarter"))
    except ValidationError as exc:
        plan.error(row.number, "quarter", exc.messages[0])
        return
    agreement = _match_agreement(row, catalogue, quarter, plan)
    if agreement is None:
        return
    if not catalogue.may_edit(agreement):
        plan.error(
            row.number,
            "province",
            _("You are not assigned to %(province)s; its figures cannot be imported by you.")
            % {"province": agreement.counterparty.province},
        )
        return
    refusal = period_refusal(agreement, quarter)
    if refusal:
        plan.error(row.number, "quarter", refusal)
        return
    if not catalogue.reports_on(agreement, quarter):
        plan.error(
            row.number,
            "quarter",
            _("The agreement “%(agreement)s” does not report on %(quarter)s.")
            % {"agreement": agreement, "quarter": quarter},
        )
        return
    group = groups.get((agreement.pk, quarter.code))
    if group is None:
        group = _open_group(agreement, quarter)
        groups[(agreement.pk, quarter.code)] = group
    if kpi is None or kpi.pk not in group.lines:
        plan.error(
            row.number,
            "kpi",
            untracked_kpi_message(row.text("kpi")),
        )
        return
    if kpi.code in group.rows:
        plan.error(
            row.number,
            "kpi",
            _("%(kpi)s is already given for this agreement and quarter in row %(row)s.")
            % {"kpi": kpi.code, "row": group.rows[kpi.code].number},
        )
        return
    group.rows[kpi.code] = row
    if unreadable:
        group.unreadable[row.number] = unreadable
    reason = row.text("reason")
    # The template repeats a stored reason: kept beside a changed value it explains
    # nothing new, so only a reason other than the stored one confirms a new warning.
    stored = group.reasoned.get(kpi.code)
    if reason and reason != (stored.warning_reason if stored else ""):
        group.reasons[kpi.code] = reason
    old = group.readings.get(kpi.pk)
    if old is not None:
        # A file without the column says nothing of it: the stored date or note stays.
        # Only an empty cell of a column the file has clears it.
        for name in KEPT_WITHOUT_THEIR_COLUMN:
            if name not in row.cells:
                setattr(reading, name, getattr(old, name))
    columns = _changed_columns(kpi, old, reading)
    # A cell that cannot be read was typed over (the stored values read back), so its row
    # is checked with the report as a change, and refused for that cell.
    if not columns and not unreadable:
        plan.unchanged += 1
    else:
        group.changed_kpis.add(kpi.code)
        plan.changes.append(
            Change(
                row.number,
                agreement.counterparty.province,
                agreement,
                quarter,
                kpi,
                _display(kpi, old),
                _display(kpi, reading),
                columns,
            )
        )
    group.readings[kpi.pk] = reading


def _open_group(agreement: Agreement, quarter: Quarter) -> ReportPlan:
    report = QuarterlyReport.objects.filter(agreement=agreement, quarter=quarter.code).first()
    if report is None:
        report = QuarterlyReport(agreement=agreement, quarter=quarter.code, version=0)
    readings = readings_of(report) if report.pk else {}
    lines = report_kpis(report)
    group = ReportPlan(agreement, quarter, report, readings, lines)
    group.reasoned = {value.kpi.code: value for value in services.reasoned_values(report)}
    return group


def _check_group(group: ReportPlan, plan: ImportPlan) -> None:
    """The report's own checks, with each refusal put on the row of its KPI.

    Rows that repeat what is stored change nothing and are skipped, even in a
    locked report: a template downloaded with its approved quarters imports back.
    """
    if not group.changed:
        return
    first_row = min(row.number for row in group.rows.values())
    if group.report.status not in services.EDITABLE_STATUSES:
        try:
            services.ensure_editable(group.report)
        except services.ReportLocked as exc:
            for code in sorted(group.changed_kpis, key=lambda code: group.rows[code].number):
                plan.error(group.rows[code].number, "quarter", exc.message)
        return
    check = check_report(group.report, group.readings)
    for key, messages in check.errors.items():
        row, column = _row_of(group, key, first_row)
        if column in group.unreadable.get(row, ()):
            continue
        for message in messages:
            plan.error(row, column, message)
    # The entry form's rule: a value confirmed before and unchanged needs no new reason.
    unconfirmed = services.unconfirmed_warnings(
        group.report, check.warnings, group.readings, reasoned=group.reasoned.values()
    )
    for key, message in unconfirmed.items():
        if not group.reasons.get(kpi_code_of(key)):
            row, column = _row_of(group, key, first_row)
            plan.error(row, column, _with_hint(message))


def _with_hint(warning: str) -> str:
    hint = _("If it is right, say why in the column “%(column)s”.") % {
        "column": COLUMN_LABELS["reason"]
    }
    return f"{warning} {hint}"


def _row_of(group: ReportPlan, key: str, default: int) -> tuple[int, str]:
    """The row and column of a field key such as kpi-bts_4g-value."""
    code, part = key_parts(key)
    if key.startswith("kpi-") and code in group.rows:
        return group.rows[code].number, part
    return default, key.rpartition("-")[2]


# Applying ---------------------------------------------------------------------------


def apply_import(
    plan: ImportPlan,
    user,
    versions: dict[str, int] | None = None,
    progress: Callable[[Iterable], Iterable] = iter,
) -> int:
    """Save a checked plan through the report services, all of it or none of it.

    `versions` are the report versions the user saw in the preview: a report
    changed since then is refused rather than overwritten.
    """
    if not plan.ok:
        raise ImportRefused(_("The file has errors; nothing was imported."))
    versions = versions if versions is not None else plan.versions
    saved = 0
    try:
        with transaction.atomic():
            for group in progress(plan.changed_reports):
                if group.key not in versions:
                    raise ImportRefused(_("The file changed since the preview; upload it again."))
                try:
                    services.save_draft(
                        group.report,
                        user,
                        version=versions[group.key],
                        readings=group.readings,
                        warning_reasons=group.reasons,
                    )
                except services.ReportError as exc:
                    raise ImportRefused(
                        _("%(agreement)s, %(quarter)s: %(reason)s")
                        % {
                            "agreement": group.agreement,
                            "quarter": group.quarter,
                            "reason": exc.told_for("import")
                            if isinstance(exc, services.ReportConflict)
                            else exc.message,
                        }
                    ) from exc
                saved += 1
    except ImportRefused as exc:
        nothing_saved = _("Nothing from the file was saved.")
        raise ImportRefused(f"{exc.message} {nothing_saved}") from exc
    return saved


# Templates ---------------------------------------------------------------------------


def template_rows(user, quarter: Quarter) -> list[list[object]]:
    """One row per KPI of every agreement the user reports on for the quarter, pre-filled."""
    agreements = [
        agreement
        for agreement in schedule.reportable_agreements(user).select_related(
            "counterparty__province"
        )
        if quarter in schedule.reportable_quarters(agreement)
    ]
    reports = {
        report.agreement_id: report
        for report in QuarterlyReport.objects.filter(agreement__in=agreements, quarter=quarter.code)
    }
    values = {
        (value.report.agreement_id, value.kpi_id): value
        for value in KpiValue.objects.filter(report__in=reports.values()).select_related("report")
    }
    kpis = agreements_kpis([agreement.pk for agreement in agreements])
    rows = [[str(column.label) for column in COLUMNS]]
    for agreement in sorted(agreements, key=lambda a: (a.counterparty.province.sort_key, a.pk)):
        for kpi in kpis[agreement.pk].values():
            value = values.get((agreement.pk, kpi.pk))
            rows.append(
                [
                    agreement.counterparty.province.name,
                    agreement.pk,
                    agreement.title,
                    quarter_label(quarter.code),
                    kpi.code,
                    kpi.name,
                    kpi.unit,
                    _cell(value.value) if value and kpi.kind != KpiKind.RATIO else None,
                    _cell(value.numerator) if value else None,
                    _cell(value.denominator) if value else None,
                    value.measured_on if value else None,
                    value.note if value else "",
                    value.warning_reason if value else "",
                ]
            )
    return rows


def _cell(number: Decimal | None):
    if number is None:
        return None
    return int(number) if number == int(number) else float(number)


def render_template(rows: list[list[object]], extension: str) -> bytes:
    if extension == CSV:
        out = io.StringIO()
        writer = csv.writer(out)
        for row in rows:
            writer.writerow(
                [
                    ""
                    if cell is None
                    else cell.isoformat()
                    if isinstance(cell, datetime.date)
                    else safe_cell(cell)
                    for cell in row
                ]
            )
        # The byte-order mark makes Excel read the Vietnamese names as UTF-8.
        return out.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Values")[:31]
    for row in rows:
        append_row(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = (16, 10, 48, 10, 24, 36, 12, 14, 14, 14, 14, 30, 30)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
