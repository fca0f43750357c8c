"""Bad input is refused field by field, warnings need a reason, and nothing typed is lost."""

from decimal import Decimal

import pytest
from django.urls import reverse

from milestones.checks import field_key, kpi_code_of, kpi_lines
from milestones.models import QuarterlyReport, ReportStatus

from .conftest import report_form_data
from .factories import KpiFactory, KpiValueFactory, QuarterlyReportFactory, submitted_report
from .test_notifications import described_by_missing

pytestmark = pytest.mark.django_db


def post(client, scenario, **overrides):
    url = reverse("milestones:report-edit", args=[scenario.agreement.pk, scenario.quarter])
    return client.post(url, report_form_data(scenario, **overrides), HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def logged_in(client, staff_laocai):
    client.force_login(staff_laocai)
    return client


REFUSALS = [
    (
        {"kpi-villages_fibre-numerator": "1600"},
        "kpi-villages_fibre-numerator",
        "The numerator (1,600) cannot be greater than the denominator (1,569).",
    ),
    ({"kpi-bts_total-value": "-5"}, "kpi-bts_total-value", "A count cannot be negative."),
    (
        {"kpi-level4_services_pct-value": "120"},
        "kpi-level4_services_pct-value",
        "A percentage cannot be above 100.",
    ),
    ({"kpi-bts_total-value": "một nghìn"}, "kpi-bts_total-value", "Enter a number, such as 79500"),
    (
        {"kpi-bts_4g-value": "1200"},
        "kpi-bts_4g-value",
        "4G stations (1,200) cannot be greater than BTS stations (1,100).",
    ),
    (
        {"kpi-bts_total-measured_on": "2022-02-01"},
        "kpi-bts_total-measured_on",
        "lies outside Q4/2021",
    ),
    (
        {"kpi-bts_total-value": "1490.5"},
        "kpi-bts_total-value",
        "BTS stations is a count of whole stations: 1,490.5 is not a whole number.",
    ),
    (
        {"kpi-villages_fibre-numerator": "1100.5"},
        "kpi-villages_fibre-numerator",
        "1,100.5 is not a whole number.",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), REFUSALS)
def test_it_refuses_bad_input_field_by_field_and_keeps_the_rest(
    logged_in, laocai, overrides, field, message
):
    response = post(logged_in, laocai, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    page = response.content.decode()
    assert message.split("(")[0] in page
    assert 'value="1569"' in page, "the other values the user typed are still in the form"
    assert "Quý này lắp thêm 100 trạm." in page
    assert not QuarterlyReport.objects.filter(
        agreement=laocai.agreement, quarter=laocai.quarter
    ).exists(), "nothing is saved while any value is refused"


def test_it_keeps_what_was_saved_before_when_a_later_save_is_refused(logged_in, laocai):
    post(logged_in, laocai)
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    post(logged_in, laocai, version=report.version, **{"kpi-bts_total-value": "-1"})
    report.refresh_from_db()
    assert report.values.get(kpi=laocai.bts_total).value == 1100


WARNINGS = [
    ({"kpi-bts_total-value": "900"}, "kpi-bts_total-value", "falls from 1,000 in Q3/2021 to 900"),
    (
        {"kpi-level4_services_pct-value": "95"},
        "kpi-level4_services_pct-value",
        "jumps from 30 in Q3/2021 to 95",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), WARNINGS)
def test_it_asks_for_a_reason_before_saving_an_unusual_value(
    logged_in, laocai, overrides, field, message
):
    response = post(logged_in, laocai, **overrides)
    assert message in response.context["warnings"][field]
    assert message in response.content.decode()
    assert (
        not QuarterlyReport.objects.filter(agreement=laocai.agreement)
        .exclude(pk=laocai.previous_report.pk)
        .exists()
    )

    reason = "Tháo dỡ trạm cũ để thay bằng trạm 4G."
    response = post(logged_in, laocai, warning_reason=reason, **overrides)
    assert response.status_code == 302
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    kpi_code = field.split("-")[1]
    assert report.values.get(kpi__code=kpi_code).warning_reason == reason
    assert report.values.get(kpi=laocai.bts_4g).warning_reason == ""


def test_it_refuses_a_percent_complete_above_100(logged_in, laocai):
    field = f"commitment-{laocai.commitment.pk}-percent_complete"
    response = post(logged_in, laocai, **{field: "150"})
    assert field in response.context["form"].errors


@pytest.mark.parametrize(
    ("typed", "language", "stored"),
    [
        ("1.150", "vi", 1150),
        ("1 150", "vi", 1150),
        ("1150", "vi", 1150),
        ("1,150", "en", 1150),
        ("1 150", "en", 1150),
    ],
)
def test_it_reads_a_count_typed_with_thousands_grouped(
    client, staff_laocai, laocai, typed, language, stored
):
    client.force_login(staff_laocai)
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    data = report_form_data(laocai, **{"kpi-bts_total-value": typed, "kpi-bts_4g-value": "400"})
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302, response.context["form"].errors
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.values.get(kpi=laocai.bts_total).value == stored


def test_it_refuses_a_fraction_of_a_station_in_vietnamese(logged_in, laocai):
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    data = report_form_data(laocai, **{"kpi-bts_total-value": "1490,5"})
    response = logged_in.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert "1.490,5 có phần thập phân" in " ".join(
        response.context["form"].errors["kpi-bts_total-value"]
    )


def test_it_shows_every_typing_and_rule_error_of_a_submission_at_once(logged_in, laocai):
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    typed = {
        "kpi-bts_total-value": "một nghìn",  # letters
        "kpi-bts_4g-value": "😀",  # an emoji
        "kpi-level4_services_pct-value": "120",  # above 100 %
        "kpi-villages_fibre-numerator": "1600",  # above its denominator
        "kpi-villages_fibre-denominator": "1569",
        f"commitment-{laocai.commitment.pk}-percent_complete": "-5",  # a negative share
        "kpi-bts_total-measured_on": "31/02/2021",  # no such day
        "submit": "1",
    }
    response = logged_in.post(url, report_form_data(laocai, **typed), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {
        "kpi-bts_total-value",
        "kpi-bts_4g-value",
        "kpi-level4_services_pct-value",
        "kpi-villages_fibre-numerator",
        f"commitment-{laocai.commitment.pk}-percent_complete",
        "kpi-bts_total-measured_on",
    }
    assert "A percentage cannot be above 100." in errors["kpi-level4_services_pct-value"]
    page = response.content.decode()
    # A summary at the top names each field and links to it.
    assert "6 values need correcting" in page
    assert 'href="#id_kpi-level4_services_pct-value"' in page
    # Each message under the id its input names in aria-describedby, read with the input.
    for name in errors:
        assert f'aria-describedby="id_{name}_error"' in page
        assert f'id="id_{name}_error"' in page
    assert described_by_missing(page) == []
    assert not QuarterlyReport.objects.filter(
        agreement=laocai.agreement, quarter=laocai.quarter
    ).exists()


def test_the_forms_help_texts_are_under_the_ids_their_fields_name(logged_in, laocai):
    url = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    page = logged_in.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="id_narrative_helptext"' in page
    assert "What happened this quarter, in a few sentences." in page
    assert 'id="id_evidence_helptext"' in page
    assert described_by_missing(page) == []


def test_each_kpi_is_compared_with_its_own_latest_approved_value(laocai):
    """A KPI left out of the last approved report is compared with the quarter it was in."""
    older = QuarterlyReportFactory(
        agreement=laocai.agreement, quarter=20212, status=ReportStatus.APPROVED
    )
    KpiValueFactory(report=older, kpi=laocai.bts_4g, value=100)
    latest = QuarterlyReportFactory(
        agreement=laocai.agreement, quarter=20214, status=ReportStatus.APPROVED
    )
    KpiValueFactory(report=latest, kpi=laocai.bts_total, value=1050)
    submitted_report(laocai, 20221, 2000)

    entry = QuarterlyReport(agreement=laocai.agreement, quarter=20222)
    previous = {
        line.kpi.code: (line.previous.report.quarter, line.previous.value)
        for line in kpi_lines(entry)
    }
    assert previous == {
        "bts_total": (20214, 1050),
        "bts_4g": (20213, 300),
        "villages_fibre": (20213, Decimal("65.26")),
        "level4_services_pct": (20213, 30),
    }


def autosave(client, scenario, **overrides):
    url = reverse("milestones:report-autosave", args=[scenario.agreement.pk, scenario.quarter])
    return client.post(url, report_form_data(scenario, **overrides), HTTP_ACCEPT_LANGUAGE="en")


def test_a_confirmed_unusual_value_keeps_its_reason_through_later_saves(logged_in, laocai):
    fall = {"kpi-bts_total-value": "900", "kpi-bts_4g-value": "300"}
    assert post(logged_in, laocai, warning_reason="Bão lũ", **fall).status_code == 302
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)

    # The user changes only the narrative and saves again, without a new reason.
    again = post(logged_in, laocai, version=report.version, narrative="Thêm nội dung.", **fall)
    assert again.status_code == 302, (
        "a value confirmed with a reason, unchanged, is not asked again"
    )
    report.refresh_from_db()
    assert report.narrative == "Thêm nội dung."
    assert report.values.get(kpi=laocai.bts_total).warning_reason == "Bão lũ"

    form = logged_in.get(
        reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Confirmed unusual value: Bão lũ" in form, "the stored reason is shown on its row"

    saved = autosave(logged_in, laocai, version=report.version, narrative="Gõ tiếp.", **fall)
    assert saved.status_code == 200 and saved.json()["saved"] is True

    submitted = post(logged_in, laocai, version=saved.json()["version"], submit="1", **fall)
    assert submitted.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.values.get(kpi=laocai.bts_total).warning_reason == "Bão lũ"


def test_a_changed_unusual_value_needs_its_own_reason(logged_in, laocai):
    post(logged_in, laocai, warning_reason="Bão lũ", **{"kpi-bts_total-value": "900"})
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    response = post(logged_in, laocai, version=report.version, **{"kpi-bts_total-value": "880"})
    assert "kpi-bts_total-value" in response.context["warnings"]
    report.refresh_from_db()
    assert report.values.get(kpi=laocai.bts_total).value == 900


def test_a_new_reason_explains_only_the_newly_unusual_value(logged_in, laocai):
    post(logged_in, laocai, warning_reason="Bão lũ", **{"kpi-bts_total-value": "900"})
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    both = {"kpi-bts_total-value": "900", "kpi-level4_services_pct-value": "95"}

    refused = post(logged_in, laocai, version=report.version, **both)
    assert list(refused.context["warnings"]) == ["kpi-level4_services_pct-value"]
    assert 'name="warning_reason"' in refused.content.decode()

    reason = "Triển khai Đề án 06."
    assert (
        post(logged_in, laocai, version=report.version, warning_reason=reason, **both).status_code
        == 302
    )
    assert report.values.get(kpi=laocai.bts_total).warning_reason == "Bão lũ"
    assert report.values.get(kpi=laocai.level4).warning_reason == reason


@pytest.mark.parametrize("code", ["bts_total", "xa-lom-song", "BTS-4G"])
def test_a_field_key_gives_back_its_kpis_code_even_with_a_dash_in_it(code):
    # A KPI code is a slug: "xa-lom-song" must not be read back as "xa", or its warning's
    # reason would be looked for under another KPI.
    kpi = KpiFactory.build(code=code)
    assert kpi_code_of(field_key(kpi, "warning_reason")) == code
