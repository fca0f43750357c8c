"""One rule, one message: each refusal is the same through the form, the API and the import."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from milestones import imports
from milestones.models import KpiValue, ReportStatus

from .api import EN, token_client, url
from .conftest import report_form_data
from .factories import QuarterlyReportFactory

pytestmark = pytest.mark.django_db

QUARTER = 20214
# A complete, valid quarter for the Lào Cai scenario; each rule changes one part of it.
VALID = {
    "bts_total": {"value": "1100"},
    "bts_4g": {"value": "400"},
    "villages_fibre": {"numerator": "1100", "denominator": "1569"},
    "level4_services_pct": {"value": "40"},
}
RULES = {
    "negative count": (
        {"bts_4g": {"value": "-5"}},
        "kpi-bts_4g-value",
        "A count cannot be negative.",
    ),
    "numerator above denominator": (
        {"villages_fibre": {"numerator": "1700", "denominator": "1569"}},
        "kpi-villages_fibre-numerator",
        "The numerator (1,700) cannot be greater than the denominator (1,569).",
    ),
    "denominator of zero": (
        {"villages_fibre": {"numerator": "0", "denominator": "0"}},
        "kpi-villages_fibre-denominator",
        "The denominator must be greater than zero.",
    ),
    "percentage above 100": (
        {"level4_services_pct": {"value": "140"}},
        "kpi-level4_services_pct-value",
        "A percentage cannot be above 100.",
    ),
    "part above its total": (
        {"bts_4g": {"value": "1200"}},
        "kpi-bts_4g-value",
        "4G stations (1,200) cannot be greater than BTS stations (1,100).",
    ),
    "date outside the quarter": (
        {"bts_total": {"value": "1100", "measured_on": "2022-02-01"}},
        "kpi-bts_total-measured_on",
        "The date 1 Feb 2022 lies outside Q4/2021 (1 Oct 2021 to 31 Dec 2021).",
    ),
}
IMPORT_COLUMNS = {
    "value": "Value",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "measured_on": "Measured on",
}


def readings_with(change: dict) -> dict:
    readings = {code: dict(parts) for code, parts in VALID.items()}
    for code, parts in change.items():
        readings[code].update(parts)
    return readings


def through_the_form(client, scenario, readings) -> dict:
    data = report_form_data(scenario)
    for code, parts in readings.items():
        for part, text in parts.items():
            data[f"kpi-{code}-{part}"] = text
    edit = reverse("milestones:report-edit", args=[scenario.agreement.pk, QUARTER])
    return client.post(edit, data, **EN)


def through_the_api(user, scenario, readings, report=None):
    client = token_client(user)
    if report is None:
        opened = client.post(
            url("report-list"),
            {"agreement": scenario.agreement.pk, "quarter": str(QUARTER)},
            format="json",
        ).json()
        report_id, version = opened["id"], opened["version"]
    else:
        report_id, version = report.pk, report.version
    values = [{"kpi": code, **parts} for code, parts in readings.items()]
    return client.patch(
        url("report-detail", report_id), {"version": version, "values": values}, format="json"
    )


def through_the_import(user, readings):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["province", "quarter", "kpi", "value", "numerator", "denominator", "measured_on"]
    )
    for code, parts in readings.items():
        writer.writerow(
            ["Lào Cai", "2021Q4", code]
            + [parts.get(name, "") for name in ("value", "numerator", "denominator", "measured_on")]
        )
    with translation.override("en"):
        return imports.plan_import(imports.read_rows(out.getvalue().encode(), "f.csv"), user)


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_refuses_the_same_way_everywhere(rule, client, staff_laocai, laocai):
    change, key, expected = RULES[rule]
    readings = readings_with(change)

    client.force_login(staff_laocai)
    form = through_the_form(client, laocai, readings).context["form"]
    assert form.errors[key] == [expected]

    api = through_the_api(staff_laocai, laocai, readings)
    assert api.status_code == 400
    assert api.json()["errors"] == {key: [expected]}

    plan = through_the_import(staff_laocai, readings)
    code, part = key.split("-")[1], key.split("-")[2]
    assert [(error.column, error.message) for error in plan.errors] == [
        (IMPORT_COLUMNS[part], expected)
    ]
    assert plan.errors[0].row == list(VALID).index(code) + 2

    assert not KpiValue.objects.filter(report__quarter=QUARTER).exists()


def test_an_unusual_value_asks_for_the_same_confirmation_everywhere(client, staff_laocai, laocai):
    readings = readings_with({"bts_total": {"value": "900"}, "bts_4g": {"value": "300"}})
    expected = "BTS stations falls from 1,000 in Q3/2021 to 900, although it is a stock that usually only grows."

    client.force_login(staff_laocai)
    assert through_the_form(client, laocai, readings).context["warnings"] == {
        "kpi-bts_total-value": expected
    }
    api = through_the_api(staff_laocai, laocai, readings)
    assert (api.status_code, api.json()["warnings"]) == (400, {"kpi-bts_total-value": expected})
    plan = through_the_import(staff_laocai, readings)
    assert len(plan.errors) == 1
    assert plan.errors[0].message.startswith(expected)


def test_a_locked_quarter_is_refused_with_the_same_message_everywhere(
    client, staff_laocai, reviewer, laocai
):
    approved = QuarterlyReportFactory(
        agreement=laocai.agreement,
        quarter=QUARTER,
        status=ReportStatus.APPROVED,
        reviewed_by=reviewer,
    )
    readings = readings_with({})

    client.force_login(staff_laocai)
    form_messages = [
        str(m) for m in get_messages(through_the_form(client, laocai, readings).wsgi_request)
    ]
    api = through_the_api(staff_laocai, laocai, readings, report=approved)
    assert api.status_code == 409
    expected = api.json()["detail"]
    assert expected.startswith("This report was approved by reviewer")
    assert expected in form_messages
    plan = through_the_import(staff_laocai, readings)
    assert {error.message for error in plan.errors} == {expected}
