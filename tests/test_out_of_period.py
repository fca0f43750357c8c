"""A value for a quarter outside its agreement's period: refused at entry, listed if stored."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from milestones import imports
from milestones.models import KpiValue, QuarterlyReport, ReportStatus

from .api import token_client, url
from .conftest import report_form_data
from .factories import KpiValueFactory, QuarterlyReportFactory

pytestmark = pytest.mark.django_db

# Lào Cai's agreement runs 2021–2025 and was signed on 2021-08-05.
OUTSIDE = {
    "vi": "Quý 1/2026 nằm ngoài thời hạn của thỏa thuận (2021–2025).",
    "en": "Q1/2026 lies outside the agreement's period (2021–2025).",
}
LANGUAGES = pytest.mark.parametrize("language", ["vi", "en"])


def edit_url(agreement, quarter):
    return reverse("milestones:report-edit", args=[agreement.pk, quarter])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def plan_of(user, *rows):
    header = "province,agreement_id,quarter,kpi,value\n"
    data = header + "".join(",".join(row) + "\n" for row in rows)
    return imports.plan_import(imports.read_rows(data.encode(), "f.csv"), user)


def planted(scenario, quarter, status=ReportStatus.APPROVED, value=1200):
    """A value stored outside the checks, as an old import or a hand edit might have."""
    report = QuarterlyReportFactory(agreement=scenario.agreement, quarter=quarter, status=status)
    return KpiValueFactory(report=report, kpi=scenario.bts_total, value=value)


def check_values(*args):
    out = io.StringIO()
    try:
        call_command("check_values", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


# The entry form ---------------------------------------------------------------------


@LANGUAGES
def test_it_sends_the_form_back_to_the_report_list_saying_why(
    client, staff_laocai, laocai, language
):
    client.force_login(staff_laocai)
    response = client.get(
        edit_url(laocai.agreement, 20261), HTTP_ACCEPT_LANGUAGE=language, follow=True
    )
    assert response.redirect_chain == [(reverse("milestones:report-list"), 302)]
    assert messages_of(response) == [OUTSIDE[language]]


def test_it_saves_nothing_posted_to_an_out_of_period_form(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    response = client.post(edit_url(laocai.agreement, 20261), report_form_data(laocai))
    assert response.status_code == 302
    assert not QuarterlyReport.objects.filter(quarter=20261).exists()


def test_it_names_the_quarter_before_the_period_too(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    response = client.get(edit_url(laocai.agreement, 20204), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert messages_of(response) == ["Q4/2020 lies outside the agreement's period (2021–2025)."]


def test_it_keeps_a_quarter_before_the_signing_inside_the_period_not_found(
    client, staff_laocai, laocai
):
    client.force_login(staff_laocai)
    assert client.get(edit_url(laocai.agreement, 20212)).status_code == 404


def test_it_keeps_another_provinces_agreement_not_found(client, staff_laocai, quangbinh):
    client.force_login(staff_laocai)
    assert client.get(edit_url(quangbinh.agreement, 20261)).status_code == 404


# The API ----------------------------------------------------------------------------


@LANGUAGES
def test_it_refuses_to_open_an_out_of_period_report_through_the_api(staff_laocai, laocai, language):
    client = token_client(staff_laocai, language)
    body = {"agreement": laocai.agreement.pk, "quarter": "2026Q1"}
    response = client.post(url("report-list"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": OUTSIDE[language],
        "code": "outside_period",
        "errors": {"quarter": [OUTSIDE[language]]},
        "warnings": {},
    }
    assert not QuarterlyReport.objects.filter(quarter=20261).exists()


def test_it_refuses_values_for_a_stored_out_of_period_report_through_the_api(staff_laocai, laocai):
    value = planted(laocai, 20261, status=ReportStatus.DRAFT)
    client = token_client(staff_laocai, "en")
    response = client.patch(
        url("report-detail", value.report.pk),
        {"version": value.report.version, "values": [{"kpi": "bts_total", "value": "1300"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "outside_period"
    assert KpiValue.objects.get(pk=value.pk).value == 1200


def test_it_keeps_another_provinces_agreement_not_found_in_the_api(staff_laocai, quangbinh):
    client = token_client(staff_laocai, "en")
    body = {"agreement": quangbinh.agreement.pk, "quarter": "2026Q1"}
    assert client.post(url("report-list"), body, format="json").status_code == 404


# The import -------------------------------------------------------------------------


@LANGUAGES
def test_it_refuses_an_out_of_period_row_in_the_import(staff_laocai, laocai, language):
    number = str(laocai.agreement.pk)
    with translation.override(language):
        plan = plan_of(
            staff_laocai,
            ["Lào Cai", number, "2021Q4", "bts_total", "1100"],
            ["Lào Cai", number, "2026Q1", "bts_total", "1200"],
        )
        assert [(error.row, error.message) for error in plan.errors] == [(3, OUTSIDE[language])]
    assert not plan.ok


# The check command --------------------------------------------------------------------


def test_it_lists_values_stored_outside_their_period(laocai):
    planted(laocai, 20261)
    planted(laocai, 20204, status=ReportStatus.DRAFT, value=900)
    agreement = laocai.agreement
    province = agreement.counterparty.province
    # The command writes in English unless asked otherwise.
    with translation.override("en"):
        prefix = f"{province}, agreement {agreement.pk} “{agreement}” (2021–2025)"
    code, output = check_values()
    assert code == 1
    assert output.splitlines() == [
        f"{prefix}: Q4/2020, bts_total = 900; report: Draft",
        f"{prefix}: Q1/2026, bts_total = 1,200; report: Approved",
        "2 values lie outside their agreements' periods.",
    ]


def test_it_prints_only_the_count_when_quiet(laocai):
    planted(laocai, 20261)
    assert check_values("--quiet") == (1, "1 value lies outside its agreement's period.\n")


def test_it_leaves_the_callers_language_as_it_was(laocai):
    planted(laocai, 20261)
    with translation.override("vi"):
        check_values()
        assert translation.get_language() == "vi"


def test_it_says_none_when_every_value_is_inside_its_period(laocai):
    assert KpiValue.objects.exists()
    assert check_values() == (0, "No value lies outside its agreement's period.\n")
