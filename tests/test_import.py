"""Bulk import: the template, the whole-file check, the preview, the all-or-nothing confirm."""

import copy
import csv
import io

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.quarters import Quarter
from milestones import import_views, imports
from milestones.models import KpiValue, QuarterlyReport

from .api import EN
from .conftest import report_form_data
from .factories import KpiValueFactory, QuarterlyReportFactory, submitted_report

pytestmark = pytest.mark.django_db

HEADER = ["province", "agreement_id", "quarter", "kpi", "value", "numerator", "denominator"]


def csv_bytes(*rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def good_rows(province="Lào Cai", quarter="2021Q4"):
    return [
        [province, "", quarter, "bts_total", "1100", "", ""],
        [province, "", quarter, "bts_4g", "400", "", ""],
        [province, "", quarter, "villages_fibre", "", "1100", "1569"],
        [province, "", quarter, "level4_services_pct", "40", "", ""],
    ]


def plan_of(user, *rows, **kwargs):
    return imports.plan_import(imports.read_rows(csv_bytes(*rows, **kwargs), "f.csv"), user)


def errors_of(plan):
    return [(error.row, error.column, error.message) for error in plan.errors]


def database_state():
    """Every report and value as stored, to compare before and after."""
    return (
        sorted(QuarterlyReport.objects.values_list("pk", "status", "version")),
        sorted(
            KpiValue.objects.values_list("report_id", "kpi__code", "value", "numerator", "note")
        ),
    )


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_it_imports_good_rows_as_a_draft(staff_laocai, laocai):
    plan = plan_of(staff_laocai, *good_rows())
    assert errors_of(plan) == []
    assert [(change.kpi.code, change.old, change.new) for change in plan.changes] == [
        ("bts_total", "", "1,100"),
        ("bts_4g", "", "400"),
        ("villages_fibre", "", "1,100/1,569"),
        ("level4_services_pct", "", "40"),
    ]
    assert imports.apply_import(plan, staff_laocai) == 1
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=20214)
    assert (report.status, report.version, report.updated_by) == ("draft", 1, staff_laocai)
    assert report.values.get(kpi=laocai.bts_total).value == 1100
    assert report.values.get(kpi=laocai.villages_fibre).numerator == 1100


def test_it_lists_every_bad_row_with_its_column_and_message(staff_laocai, laocai):
    plan = plan_of(
        staff_laocai,
        ["Lào Cai", "", "2021Q4", "bts_total", "1100", "", ""],
        ["Lào Cai", "", "2021Q4", "bts_4g", "-5", "", ""],
        ["Lào Cai", "", "2021Q4", "villages_fibre", "", "1700", "1569"],
        ["Lào Cai", "", "2021Q4", "level4_services_pct", "abc", "", ""],
        ["Lào Cai", "", "autumn", "bts_total", "1", "", ""],
        ["Lào Cai", "", "2021Q4", "ftth_subscribers", "1", "", ""],
        ["Atlantis", "", "2021Q4", "bts_total", "1", "", ""],
        ["Lào Cai", "", "2021Q4", "bts_total", "1200", "", ""],
    )
    assert errors_of(plan) == [
        (3, "Value", "A count cannot be negative."),
        (4, "Numerator", "The numerator (1,700) cannot be greater than the denominator (1,569)."),
        (5, "Value", "Enter a number, such as 79500, 79,500 or 91.7."),
        (6, "Quarter", "Enter a quarter as year and number, such as 2021Q4 or Q4/2021."),
        (
            7,
            "KPI code",
            "This agreement has neither a target nor approved values for the KPI ftth_subscribers.",
        ),
        (8, "Province", "No province is named or numbered “Atlantis”."),
        (
            9,
            "KPI code",
            "bts_total is already given for this agreement and quarter in row 2.",
        ),
    ]
    before = database_state()
    with pytest.raises(imports.ImportRefused):
        imports.apply_import(plan, staff_laocai)
    assert database_state() == before


def test_it_refuses_rows_for_a_province_outside_the_users_assignment(
    staff_laocai, laocai, quangbinh
):
    plan = plan_of(staff_laocai, *good_rows(), *good_rows("Quảng Bình"))
    assert {(row, column) for row, column, _message in errors_of(plan)} == {
        (6, "Province"),
        (7, "Province"),
        (8, "Province"),
        (9, "Province"),
    }
    assert plan.errors[0].message.startswith("You are not assigned to Quảng Bình")
    assert not plan.ok


@pytest.mark.parametrize(
    "name", ["Quảng Bình", "quang binh", "QUANG BINH", "Tỉnh Quảng Bình", "44"]
)
def test_it_attaches_a_former_provinces_name_or_code_to_its_agreement(
    staff_quangtri, quangbinh, name
):
    plan = plan_of(staff_quangtri, *good_rows(name))
    assert errors_of(plan) == []
    assert {change.agreement for change in plan.changes} == {quangbinh.agreement}
    imports.apply_import(plan, staff_quangtri)
    report = QuarterlyReport.objects.get(agreement=quangbinh.agreement, quarter=20214)
    assert report.values.count() == 4


def test_it_finds_the_agreement_of_a_unit_merged_into_the_named_province(staff_quangtri, quangbinh):
    plan = plan_of(staff_quangtri, *good_rows("Quảng Trị"))
    assert errors_of(plan) == []
    assert {change.agreement for change in plan.changes} == {quangbinh.agreement}


def test_it_checks_the_agreement_number_against_the_province(staff_laocai, laocai, quangbinh):
    plan = plan_of(
        staff_laocai,
        ["Lào Cai", str(laocai.agreement.pk), "2021Q4", "bts_total", "1100", "", ""],
        ["Yên Bái", str(laocai.agreement.pk), "2021Q4", "bts_4g", "400", "", ""],
        ["", "99999", "2021Q4", "level4_services_pct", "40", "", ""],
    )
    assert errors_of(plan) == [
        (3, "Province", f"Agreement {laocai.agreement.pk} is not with Yên Bái."),
        (4, "Agreement number", "No agreement in force has the number 99999."),
    ]


def test_it_refuses_a_quarter_the_agreement_does_not_report_on(staff_laocai, laocai):
    number = str(laocai.agreement.pk)
    plan = plan_of(
        staff_laocai,
        # Inside the period but before the signing (5 August 2021).
        ["Lào Cai", number, "2021Q1", "bts_total", "1", "", ""],
        ["Lào Cai", "", "2021Q2", "bts_total", "1", "", ""],
    )
    assert errors_of(plan) == [
        (2, "Quarter", f"The agreement “{laocai.agreement}” does not report on Q1/2021."),
        (3, "Province", "Lào Cai has no agreement in force reporting on Q2/2021."),
    ]


def test_it_asks_for_a_reason_for_an_unusual_value_and_keeps_it(staff_laocai, laocai):
    header = [*HEADER, "reason"]
    falling = [
        ["Lào Cai", "", "2021Q4", "bts_total", "900", "", "", ""],
        ["Lào Cai", "", "2021Q4", "bts_4g", "300", "", "", ""],
    ]
    plan = plan_of(staff_laocai, *falling, header=header)
    assert [(row, column) for row, column, _message in errors_of(plan)] == [(2, "Value")]
    assert "falls from 1,000" in plan.errors[0].message
    assert "Reason for an unusual value" in plan.errors[0].message
    falling[0][-1] = "Tháo dỡ trạm cũ."
    plan = plan_of(staff_laocai, *falling, header=header)
    assert errors_of(plan) == []
    imports.apply_import(plan, staff_laocai)
    value = KpiValue.objects.get(report__quarter=20214, kpi=laocai.bts_total)
    assert value.warning_reason == "Tháo dỡ trạm cũ."


def test_it_refuses_rows_for_a_report_already_submitted(staff_laocai, laocai):
    submitted_report(laocai, 20214)
    plan = plan_of(staff_laocai, *good_rows())
    assert len(plan.errors) == 4
    assert plan.errors[0].message.startswith("This report was submitted for review")


def test_it_lists_only_the_values_that_change(staff_laocai, laocai):
    draft = QuarterlyReportFactory(agreement=laocai.agreement, quarter=20214)
    KpiValueFactory(report=draft, kpi=laocai.bts_total, value=1100)
    plan = plan_of(staff_laocai, *good_rows())
    assert [(change.kpi.code, change.old, change.new) for change in plan.changes] == [
        ("bts_4g", "", "400"),
        ("villages_fibre", "", "1,100/1,569"),
        ("level4_services_pct", "", "40"),
    ]


def test_the_preview_changes_nothing(staff_laocai, laocai):
    before = database_state()
    plan = plan_of(staff_laocai, *good_rows())
    assert plan.ok and plan.changes
    assert database_state() == before


def test_a_failed_confirm_leaves_the_database_as_it_was(staff_laocai, laocai):
    other_quarter = QuarterlyReportFactory(agreement=laocai.agreement, quarter=20221)
    KpiValueFactory(report=other_quarter, kpi=laocai.bts_total, value=1100)
    plan = plan_of(staff_laocai, *good_rows("Lào Cai", "2021Q4"), *good_rows("Lào Cai", "2022Q1"))
    assert plan.ok
    versions = plan.versions
    # Someone saves the 2022Q1 report after the preview was shown.
    QuarterlyReport.objects.filter(pk=other_quarter.pk).update(version=2)
    before = database_state()
    with pytest.raises(imports.ImportRefused) as refused:
        imports.apply_import(plan, staff_laocai, versions=versions)
    assert "Nothing from the file was saved." in refused.value.message
    assert database_state() == before
    assert not QuarterlyReport.objects.filter(agreement=laocai.agreement, quarter=20214).exists()


def test_it_reads_its_own_template_back(staff_laocai, laocai):
    rows = imports.template_rows(staff_laocai, Quarter(2021, 4))
    workbook = load_workbook(io.BytesIO(imports.render_template(rows, imports.XLSX)))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]][:5] == [
        "Province",
        "Agreement number",
        "Agreement",
        "Quarter",
        "KPI code",
    ]
    assert sorted(row[4] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "bts_4g",
        "bts_total",
        "level4_services_pct",
        "villages_fibre",
    ]
    figures = {"bts_total": (1100,), "bts_4g": (400,), "villages_fibre": (None, 1100, 1569)}
    figures["level4_services_pct"] = (40,)
    for row in sheet.iter_rows(min_row=2):
        for offset, number in enumerate(figures[row[4].value]):
            row[7 + offset].value = number
    filled = io.BytesIO()
    workbook.save(filled)
    plan = imports.plan_import(imports.read_rows(filled.getvalue(), "t.xlsx"), staff_laocai)
    assert errors_of(plan) == []
    assert len(plan.changes) == 4


def test_it_reads_a_vietnamese_template_and_semicolons(staff_laocai, laocai):
    from django.utils import translation

    with translation.override("vi"):
        rows = imports.template_rows(staff_laocai, Quarter(2021, 4))
    bts_total = next(row for row in rows if row[4] == "bts_total")
    bts_total[7] = "1.100"
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    with translation.override("vi"):
        plan = imports.plan_import(
            imports.read_rows(out.getvalue().encode("utf-8-sig"), "t.csv"), staff_laocai
        )
    assert errors_of(plan) == []
    assert [(change.kpi.code, change.new) for change in plan.changes] == [("bts_total", "1.100")]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"a,b\n1,2\n", "other.csv", "The file has no column Province, Quarter, KPI code, Value."),
        (
            b"PK\x03\x04 not really",
            "broken.xlsx",
            "The file could not be read as an Excel workbook (.xlsx).",
        ),
        (b"%PDF", "report.pdf", "Upload a CSV or XLSX file, such as the template."),
    ],
)
def test_it_explains_a_file_it_cannot_read(content, name, message):
    with pytest.raises(imports.ImportFileError) as refused:
        imports.read_rows(content, name)
    assert refused.value.message.startswith(message.rstrip("."))


# The pages ------------------------------------------------------------------------


def upload(client, content: bytes, name="figures.csv"):
    return client.post(
        reverse("milestones:import"),
        {"file": _named(content, name)},
        **EN,
    )


def _named(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_it_offers_the_template_for_download(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    assert client.get(reverse("milestones:import"), **EN).status_code == 200
    response = client.get(
        reverse("milestones:import-template"), {"quarter": "2021Q4", "format": "csv"}, **EN
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="vnpt-figures-2021Q4.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Province,Agreement number,Agreement,Quarter,KPI code")
    assert len(lines) == 5


def test_it_previews_then_saves_on_confirmation(client, staff_laocai, laocai, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    response = upload(client, csv_bytes(*good_rows()))
    assert response.status_code == 302
    before = database_state()
    preview = client.get(response["Location"], **EN)
    page = preview.content.decode()
    assert "4 values would change" in page
    assert "<td>Numerator</td>" in page and "<td>1,569</td>" in page, "a ratio by its parts"
    assert database_state() == before
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    confirmed = client.post(reverse("milestones:import-confirm", args=[token]), **EN)
    assert confirmed["Location"] == reverse("milestones:report-list")
    assert (
        QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=20214).values.count() == 4
    )
    assert not any(tmp_path.joinpath("imports").iterdir()), "the upload is removed once saved"


def test_the_preview_lists_errors_and_offers_no_confirmation(
    client, staff_laocai, laocai, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    rows = good_rows()
    rows[1][4] = "-5"
    preview = client.get(upload(client, csv_bytes(*rows))["Location"], **EN)
    page = preview.content.decode()
    assert "1 error" in page
    assert "A count cannot be negative." in page
    assert "Save these values as drafts" not in page


def test_a_confirm_after_a_change_elsewhere_saves_nothing(
    client, staff_laocai, laocai, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    location = upload(client, csv_bytes(*good_rows()))["Location"]
    client.get(location, **EN)
    QuarterlyReportFactory(agreement=laocai.agreement, quarter=20214)
    token = location.rstrip("/").rsplit("/", 1)[1]
    response = client.post(reverse("milestones:import-confirm", args=[token]), follow=True, **EN)
    assert "Nothing from the file was saved." in response.content.decode()
    assert not KpiValue.objects.filter(report__quarter=20214).exists()


def test_it_refuses_to_confirm_another_users_upload(
    client, staff_laocai, staff_quangtri, laocai, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    location = upload(client, csv_bytes(*good_rows()))["Location"]
    client.get(location, **EN)
    token = location.rstrip("/").rsplit("/", 1)[1]
    client.force_login(staff_quangtri)
    response = client.post(reverse("milestones:import-confirm", args=[token]), **EN)
    assert response.status_code == 404
    assert not KpiValue.objects.filter(report__quarter=20214).exists()


def test_it_cancels_and_forgets_the_upload(client, staff_laocai, laocai, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    location = upload(client, csv_bytes(*good_rows()))["Location"]
    token = location.rstrip("/").rsplit("/", 1)[1]
    client.post(reverse("milestones:import-cancel", args=[token]), **EN)
    assert client.get(location, **EN).status_code == 404
    assert not any(tmp_path.joinpath("imports").iterdir())


def test_it_shows_the_import_only_to_those_who_enter_figures(client, official, reviewer):
    for user in (official, reviewer):
        client.force_login(user)
        assert client.get(reverse("milestones:import"), **EN).status_code == 403


def test_staff_without_a_province_are_told_to_ask_an_administrator(client, db):
    from provinces.access import Role

    from .factories import UserFactory

    client.force_login(UserFactory(username="new_staff", roles=[Role.STAFF]))
    response = client.get(reverse("milestones:import"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Tài khoản của bạn chưa được phân công theo dõi tỉnh, thành phố nào" in page
    assert "quản trị viên" in page
    assert "Chỉ cán bộ nhập liệu" not in page
    english = client.get(reverse("milestones:import"), **EN).content.decode()
    assert "Your account is not assigned to any province yet" in english
    assert "Ask an administrator" in english


def test_staff_whose_provinces_owe_no_report_are_told_so_for_any_quarter(client, provinces):
    from provinces.access import Role

    from .factories import UserFactory

    # Lai Châu has no agreement in this world.
    client.force_login(
        UserFactory(username="staff_laichau", roles=[Role.STAFF], provinces=[provinces.lai_chau])
    )
    offered = client.get(reverse("milestones:import"), **EN).context["template_form"]
    (only,) = offered.fields["quarter"].choices
    for quarter in (only[0], "2021Q4"):
        response = client.get(
            reverse("milestones:import-template"),
            {"quarter": quarter, "format": "xlsx"},
            follow=True,
            **EN,
        )
        page = response.content.decode()
        assert response.redirect_chain == [(reverse("milestones:import"), 302)]
        assert "Your provinces have no agreement that owes a report for Q" in page
        assert "Choose a quarter and a format" not in page
    vietnamese = client.get(
        reverse("milestones:import-template"), {"quarter": "2021Q4", "format": "csv"}, follow=True
    ).content.decode()
    assert "không có thỏa thuận nào cần báo cáo Quý 4/2021" in vietnamese


def test_it_refuses_an_upload_that_is_not_a_spreadsheet(client, staff_laocai, provinces):
    client.force_login(staff_laocai)
    response = upload(client, b"%PDF-1.4", name="report.pdf")
    assert response.status_code == 200
    assert "Upload a CSV or XLSX file, such as the template." in response.content.decode()


# The command ------------------------------------------------------------------------


def test_a_cell_formatted_as_a_percentage_is_read_as_the_sheet_shows_it(staff_laocai, laocai):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["Lào Cai", "", "2021Q4", "bts_total", 1100, None, None])
    sheet.append(["Lào Cai", "", "2021Q4", "level4_services_pct", 0.862, None, None])
    sheet["E3"].number_format = "0.0%"
    out = io.BytesIO()
    workbook.save(out)
    plan = imports.plan_import(imports.read_rows(out.getvalue(), "values.xlsx"), staff_laocai)
    assert errors_of(plan) == []
    assert [(change.kpi.code, change.new) for change in plan.changes] == [
        ("bts_total", "1,100"),
        ("level4_services_pct", "86.2"),
    ]


def test_the_command_imports_a_file(tmp_path, admin_user, laocai, quangbinh):
    path = tmp_path / "values.csv"
    path.write_bytes(csv_bytes(*good_rows("lao cai"), *good_rows("Quảng Bình")))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_values", str(path), "--user", "admin", stdout=out, stderr=err)
    assert "8 values saved in 2 draft reports." in out.getvalue()
    assert "Checking" in err.getvalue(), "a progress bar is shown"
    assert QuarterlyReport.objects.filter(quarter=20214).count() == 2


def test_the_command_saves_nothing_from_a_file_with_errors(tmp_path, admin_user, laocai):
    rows = good_rows()
    rows[3][4] = "140"
    path = tmp_path / "values.xlsx"
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 error in values\.xlsx; nothing was imported\.$"):
        call_command(
            "import_values", str(path), "--user", "admin", stdout=io.StringIO(), stderr=err
        )
    assert "row 5, Value: A percentage cannot be above 100." in err.getvalue()
    assert not QuarterlyReport.objects.filter(quarter=20214).exists()


def test_the_command_checks_without_saving_on_a_dry_run(tmp_path, staff_laocai, laocai):
    path = tmp_path / "values.csv"
    path.write_bytes(csv_bytes(*good_rows()))
    out = io.StringIO()
    call_command(
        "import_values",
        str(path),
        "--user",
        "staff_laocai",
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "4 values would change; nothing was saved." in out.getvalue()
    assert not QuarterlyReport.objects.filter(quarter=20214).exists()


def test_the_command_speaks_vietnamese_throughout_when_asked(tmp_path, admin_user, laocai):
    def run(path, *options):
        out, err = io.StringIO(), io.StringIO()
        arguments = [str(path), "--user", "admin", "--language", "vi", *options]
        call_command("import_values", *arguments, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    rows = good_rows()
    rows[3][4] = "140"
    wrong = tmp_path / "imp.csv"
    wrong.write_bytes(csv_bytes(*rows))
    with pytest.raises(CommandError) as refused:
        run(wrong)
    assert str(refused.value) == "Tệp imp.csv có 1 lỗi; chưa nhập dữ liệu nào."

    right = tmp_path / "values.csv"
    right.write_bytes(csv_bytes(*good_rows()))
    out, err = run(right, "--dry-run")
    assert "Đang kiểm tra" in err, "the progress bar too"
    assert out.splitlines()[0] == f"dòng 2: {laocai.agreement.pk} Quý 4/2021 bts_total: — → 1.100"
    assert out.splitlines()[-1] == "4 giá trị sẽ thay đổi; chưa lưu gì."
    out, err = run(right)
    assert out.splitlines()[-1] == "Đã lưu 4 giá trị vào 1 báo cáo nháp."
    assert "Đang lưu" in err
    assert QuarterlyReport.objects.filter(quarter=20214).count() == 1


def test_the_command_lists_each_error_in_vietnamese(tmp_path, admin_user, laocai):
    rows = good_rows()
    rows[3][4] = "140"
    path = tmp_path / "imp.csv"
    path.write_bytes(csv_bytes(*rows))
    err = io.StringIO()
    arguments = [str(path), "--user", "admin", "--language", "vi"]
    with pytest.raises(CommandError):
        call_command("import_values", *arguments, stdout=io.StringIO(), stderr=err)
    assert "dòng 5, Giá trị: Tỷ lệ phần trăm không được vượt quá 100." in err.getvalue()
    assert "row" not in err.getvalue()


def token_of(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[1]


def test_a_second_click_on_save_says_the_values_were_already_saved(
    client, staff_laocai, laocai, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    location = upload(client, csv_bytes(*good_rows()))["Location"]
    client.get(location, **EN)
    confirm = reverse("milestones:import-confirm", args=[token_of(location)])
    assert client.post(confirm, **EN).status_code == 302
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=20214)

    again = client.post(confirm, follow=True, **EN)
    assert again.status_code == 200
    assert "These values were already saved in the draft reports" in again.content.decode()
    report.refresh_from_db()
    assert report.version == 1, "nothing was saved twice"


@pytest.mark.parametrize("upload_still_there", [True, False], ids=["refused", "forgotten"])
def test_a_confirm_racing_another_says_the_values_were_already_saved(
    client, staff_laocai, laocai, settings, tmp_path, rf, monkeypatch, upload_still_there
):
    """Two clicks on Save a few milliseconds apart: the second request read the session,
    and the upload, before the first one saved; its save is refused as made against
    older versions, or it finds the upload gone. Either way it is told, not sent to a 404."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    location = upload(client, csv_bytes(*good_rows()))["Location"]
    client.get(location, **EN)
    token = token_of(location)
    key = client.session.session_key
    # What the second request read when it began: the preview, not yet the confirmation.
    seen = copy.deepcopy(SessionStore(key).load())
    path = seen["pending_imports"][token]["path"]
    stale_plan = imports.plan_import(
        imports.load_rows(default_storage.open(path).read()), staff_laocai
    )
    confirm = reverse("milestones:import-confirm", args=[token])
    assert client.post(confirm, **EN)["Location"] == reverse("milestones:report-list")
    if upload_still_there:
        default_storage.save(path, ContentFile(b"{}"))
        monkeypatch.setattr(import_views, "_plan", lambda request, pending: stale_plan)

    request = rf.post(confirm, **EN)
    request.user = staff_laocai
    request.session = SessionStore(key)
    request.session._session_cache = seen
    request._messages = FallbackStorage(request)
    with translation.override("en"):
        response = import_views.import_confirm(request, token)
        told = [str(message) for message in request._messages]
    request.session.save()

    assert response["Location"] == reverse("milestones:report-list")
    assert told == [
        "These values were already saved in the draft reports; nothing was saved twice."
    ]
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=20214)
    assert report.version == 1, "nothing was saved twice"
    assert report.values.count() == 4
    # The second request's copy of the session kept the first one's note.
    again = client.post(confirm, follow=True, **EN)
    assert "These values were already saved in the draft reports" in again.content.decode()


def test_it_counts_one_row_and_one_value_in_the_singular(
    client, staff_laocai, laocai, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    location = upload(client, csv_bytes(good_rows()[0]), name="q3.csv")["Location"]
    assert "File q3.csv: 1 row read." in client.get(location, **EN).content.decode()
    saved = client.post(
        reverse("milestones:import-confirm", args=[token_of(location)]), follow=True, **EN
    )
    assert (
        "1 value was saved. 1 draft report changed; submit it when ready." in saved.content.decode()
    )


def test_a_confirm_after_the_users_own_save_in_another_tab_says_so(
    client, staff_laocai, laocai, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    location = upload(client, csv_bytes(*good_rows()))["Location"]
    client.get(location, **EN)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, 20214])
    client.post(edit, report_form_data(laocai, **{"kpi-bts_total-value": "1050"}))
    response = client.post(
        reverse("milestones:import-confirm", args=[token_of(location)]), follow=True, **EN
    )
    page = response.content.decode()
    assert "you saved this report at" in page
    assert "The preview now shows the saved values" in page
    assert "another user" not in page and "someone" not in page


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("vi", "Tệp có dung lượng 1,5\xa0MB; giới hạn là 1,0\xa0MB."),
        ("en", "The file is 1.5\xa0MB; the limit is 1.0\xa0MB."),
    ],
)
def test_the_upload_size_is_written_as_the_portal_writes_file_sizes(
    client, staff_laocai, laocai, settings, language, message
):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(staff_laocai)
    content = csv_bytes(*good_rows()).ljust(3 * 1024 * 1024 // 2, b" ")
    response = client.post(
        reverse("milestones:import"),
        {"file": _named(content, "lon.csv")},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # Django's filesizeformat, as the report's list of files writes an evidence file's size.
    assert response.context["form"].errors["file"] == [message]
    assert message in response.content.decode()


# One rule for reasons, with the entry form ------------------------------------------

REASON_HEADER = [*HEADER, "reason"]


@pytest.fixture
def confirmed_fall(laocai):
    """A draft whose BTS count falls below the last approved one, confirmed with a reason."""
    draft = QuarterlyReportFactory(agreement=laocai.agreement, quarter=20214)
    KpiValueFactory(report=draft, kpi=laocai.bts_total, value=900, warning_reason="Tháo dỡ trạm.")
    KpiValueFactory(report=draft, kpi=laocai.bts_4g, value=300)
    return draft


def test_an_import_that_changes_a_confirmed_value_needs_a_new_reason(
    staff_laocai, laocai, confirmed_fall
):
    # As the template gives it back: the stored reason repeated beside the changed value.
    rows = [["Lào Cai", "", "2021Q4", "bts_total", "850", "", "", "Tháo dỡ trạm."]]
    plan = plan_of(staff_laocai, *rows, header=REASON_HEADER)
    assert [(row, column) for row, column, _message in errors_of(plan)] == [(2, "Value")]
    assert "falls from 1,000" in plan.errors[0].message
    assert "Reason for an unusual value" in plan.errors[0].message

    rows[0][-1] = "Tháo thêm 50 trạm 2G."
    plan = plan_of(staff_laocai, *rows, header=REASON_HEADER)
    assert errors_of(plan) == []
    imports.apply_import(plan, staff_laocai)
    value = KpiValue.objects.get(report=confirmed_fall, kpi=laocai.bts_total)
    assert (value.value, value.warning_reason) == (850, "Tháo thêm 50 trạm 2G.")


def test_an_unchanged_confirmed_value_needs_no_new_reason(staff_laocai, laocai, confirmed_fall):
    rows = [
        ["Lào Cai", "", "2021Q4", "bts_total", "900", "", "", ""],
        ["Lào Cai", "", "2021Q4", "bts_4g", "350", "", "", ""],
    ]
    plan = plan_of(staff_laocai, *rows, header=REASON_HEADER)
    assert errors_of(plan) == []
    imports.apply_import(plan, staff_laocai)
    values = {
        value.kpi.code: (value.value, value.warning_reason)
        for value in KpiValue.objects.filter(report=confirmed_fall)
    }
    assert values == {"bts_total": (900, "Tháo dỡ trạm."), "bts_4g": (350, "")}


def test_a_ratio_confirmed_before_needs_a_new_reason_only_when_its_figure_changes(
    staff_laocai, laocai
):
    # 3,500 villages with fibre after 1,024: a jump, confirmed with a reason on the form.
    draft = QuarterlyReportFactory(agreement=laocai.agreement, quarter=20214)
    KpiValueFactory(
        report=draft,
        kpi=laocai.villages_fibre,
        value=None,
        numerator=3500,
        denominator=3600,
        note="Số liệu sơ bộ.",
        warning_reason="Sáp nhập thêm thôn của các xã mới.",
    )
    header = [*HEADER, "note", "reason"]
    # The same figure with a new note is a change to save, and the reason still holds.
    same = ["Lào Cai", "", "2021Q4", "villages_fibre", "", "3500", "3600", "Đã đối soát.", ""]
    plan = plan_of(staff_laocai, same, header=header)
    assert errors_of(plan) == []
    assert [change.kpi.code for change in plan.changes] == ["villages_fibre"]
    # Another denominator is another figure: its jump needs a reason of its own.
    other = [*same[:6], "3700", *same[7:]]
    plan = plan_of(staff_laocai, other, header=header)
    assert [(row, "more than three times" in message) for row, _c, message in errors_of(plan)] == [
        (2, True)
    ]

    imports.apply_import(plan_of(staff_laocai, same, header=header), staff_laocai)
    value = KpiValue.objects.get(report=draft, kpi=laocai.villages_fibre)
    assert (value.numerator, value.denominator, value.note, value.warning_reason) == (
        3500,
        3600,
        "Đã đối soát.",
        "Sáp nhập thêm thôn của các xã mới.",
    )


def test_each_unusual_value_keeps_its_own_reason(staff_laocai, laocai):
    rows = [
        ["Lào Cai", "", "2021Q4", "bts_total", "900", "", "", "Tháo dỡ trạm cũ."],
        ["Lào Cai", "", "2021Q4", "bts_4g", "250", "", "", ""],
        ["Lào Cai", "", "2021Q4", "level4_services_pct", "95", "", "", "Cổng dịch vụ mới."],
    ]
    plan = plan_of(staff_laocai, *rows, header=REASON_HEADER)
    assert [(row, column) for row, column, _message in errors_of(plan)] == [(3, "Value")]
    rows[1][-1] = "Chuyển trạm sang 5G."
    plan = plan_of(staff_laocai, *rows, header=REASON_HEADER)
    assert errors_of(plan) == []
    imports.apply_import(plan, staff_laocai)
    reasons = dict(
        KpiValue.objects.filter(report__quarter=20214).values_list("kpi__code", "warning_reason")
    )
    assert reasons == {
        "bts_total": "Tháo dỡ trạm cũ.",
        "bts_4g": "Chuyển trạm sang 5G.",
        "level4_services_pct": "Cổng dịch vụ mới.",
    }


# Approved quarters in a template ------------------------------------------------------


def test_a_template_with_an_approved_quarter_imports_back_unchanged(
    client, staff_laocai, laocai, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    template = client.get(
        reverse("milestones:import-template"), {"quarter": "2021Q3", "format": "csv"}, **EN
    )
    assert len(template.content.decode("utf-8-sig").splitlines()) == 5
    before = database_state()
    response = upload(client, template.content)
    page = client.get(response["Location"], **EN).content.decode()
    assert "4 rows repeat the saved values and are skipped." in page
    assert "The file holds no value different from those already saved." in page
    assert "is locked" not in page
    assert database_state() == before


def test_a_change_to_an_approved_quarter_is_refused_on_its_row_only(staff_laocai, laocai):
    rows = [
        ["Lào Cai", "", "2021Q3", "bts_total", "1000", "", ""],
        ["Lào Cai", "", "2021Q3", "bts_4g", "310", "", ""],
    ]
    plan = plan_of(staff_laocai, *rows)
    assert [(row, column) for row, column, _message in errors_of(plan)] == [(3, "Quarter")]
    assert "is locked" in plan.errors[0].message
    assert plan.unchanged == 1
    assert plan.changes == [], "a refused row changes nothing"


def test_the_preview_of_a_row_for_a_locked_quarter_shows_the_error_and_no_change(
    client, staff_laocai, laocai, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    response = upload(client, csv_bytes(["Lào Cai", "", "2021Q3", "bts_4g", "310", "", ""]))
    page = client.get(response["Location"], **EN).content.decode()
    assert "1 error" in page and "is locked" in page
    assert "0 values would change" in page
    assert "The file holds no value different from those already saved." in page
    assert "Save these values as drafts" not in page


# KPIs without a target that the agreement has reported on -----------------------------


def test_a_series_approved_without_a_target_can_be_imported(staff_laocai, laocai):
    from .factories import KpiFactory

    bts_2g = KpiFactory(code="bts_2g", name_en="2G stations", name_vi="Trạm BTS 2G")
    KpiValueFactory(report=laocai.previous_report, kpi=bts_2g, value=120)
    rows = imports.template_rows(staff_laocai, Quarter(2021, 4))
    assert "bts_2g" in [row[4] for row in rows[1:]]
    plan = plan_of(staff_laocai, ["Lào Cai", "", "2021Q4", "bts_2g", "125", "", ""])
    assert errors_of(plan) == []
    imports.apply_import(plan, staff_laocai)
    assert KpiValue.objects.get(report__quarter=20214, kpi=bts_2g).value == 125


def test_a_confirm_after_a_colleagues_save_names_them(
    client, staff_laocai, laocai, provinces, settings, tmp_path
):
    from django.test import Client

    from provinces.access import Role

    from .factories import UserFactory

    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    location = upload(client, csv_bytes(*good_rows()))["Location"]
    client.get(location, **EN)
    colleagues_browser = Client()
    colleagues_browser.force_login(
        UserFactory(username="colleague", roles=[Role.STAFF], provinces=[provinces.lao_cai])
    )
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, 20214])
    colleagues_browser.post(edit, report_form_data(laocai, **{"kpi-bts_total-value": "1050"}))
    response = client.post(
        reverse("milestones:import-confirm", args=[token_of(location)]), follow=True, **EN
    )
    page = response.content.decode()
    assert "colleague saved this report at" in page
    assert "you saved this report" not in page
    assert KpiValue.objects.get(report__quarter=20214, kpi=laocai.bts_total).value == 1050


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"a,b\n1,2\n", "other.csv", "The file has no column Province, Quarter, KPI code, Value."),
        (b"%PDF", "report.pdf", "Upload a CSV or XLSX file, such as the template."),
    ],
)
def test_the_upload_form_alone_refuses_a_file_that_is_not_the_template(content, name, message):
    form = import_views.UploadForm(files={"file": _named(content, name)})
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["file"][0].startswith(message.rstrip("."))


def test_a_preview_reads_the_stored_reasons_once(staff_laocai, laocai, monkeypatch):
    from milestones import services

    report = QuarterlyReportFactory(agreement=laocai.agreement, quarter=20214)
    KpiValueFactory(report=report, kpi=laocai.bts_4g, value=1000, warning_reason="Trạm mới.")
    reads = []
    original = services.reasoned_values
    monkeypatch.setattr(
        services, "reasoned_values", lambda report: reads.append(1) or original(report)
    )
    rows = good_rows()
    rows[0][4] = "4000"  # more than three times the approved 1,000: a warning to confirm
    plan = plan_of(staff_laocai, *rows)
    assert [error.row for error in plan.errors] == [2]
    assert "If it is right, say why" in plan.errors[0].message
    assert len(reads) == 1
