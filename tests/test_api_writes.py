"""Changing reports through the API: the same services, rules and messages as the form."""

from decimal import Decimal

import pytest
from django.utils import translation

from milestones.models import CommitmentProgress, KpiValue, QuarterlyReport, ReportStatus

from .api import token_client, url
from .test_api_permissions import complete_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(staff_laocai):
    return token_client(staff_laocai)


@pytest.fixture
def draft(laocai):
    return complete_report(laocai)


def patch(client, report, **body):
    return client.patch(url("report-detail", report.pk), body, format="json")


def value_of(report, kpi):
    return KpiValue.objects.get(report=report, kpi=kpi)


def test_it_opens_a_draft_once(staff, laocai):
    body = {"agreement": laocai.agreement.pk, "quarter": "Q2/2022"}
    first = staff.post(url("report-list"), body, format="json")
    assert first.status_code == 201
    assert (first.json()["quarter"], first.json()["status"]) == ("2022Q2", "draft")
    again = staff.post(url("report-list"), body, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


def test_it_refuses_a_quarter_the_agreement_does_not_report_on(staff, laocai):
    # Inside the period but before the signing: nothing was agreed to report yet.
    body = {"agreement": laocai.agreement.pk, "quarter": "2021Q2"}
    response = staff.post(url("report-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["quarter"] == [
        "This agreement does not report on that quarter."
    ]
    assert not QuarterlyReport.objects.filter(quarter=20212).exists()


def test_it_saves_only_the_values_sent(staff, laocai, draft):
    response = patch(
        staff,
        draft,
        version=draft.version,
        values=[{"kpi": "bts_total", "value": "1150", "note": "Thêm 50 trạm"}],
        narrative="Quý IV lắp thêm trạm.",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["version"] == draft.version + 1
    assert data["narrative"] == "Quý IV lắp thêm trạm."
    assert value_of(draft, laocai.bts_total).value == 1150
    assert value_of(draft, laocai.bts_total).note == "Thêm 50 trạm"
    assert value_of(draft, laocai.bts_4g).value == 400
    assert value_of(draft, laocai.level4).value == 40


def test_it_saves_a_ratio_from_its_parts(staff, laocai, draft):
    body = [{"kpi": "villages_fibre", "numerator": "1200", "denominator": "1569"}]
    response = patch(staff, draft, version=draft.version, values=body)
    assert response.status_code == 200
    fibre = value_of(draft, laocai.villages_fibre)
    assert (fibre.numerator, fibre.denominator, fibre.value) == (1200, 1569, Decimal("76.48"))


def test_it_refuses_a_stale_version_with_409_and_the_current_report(
    staff, staff_laocai, laocai, draft
):
    saved = patch(staff, draft, version=1, values=[{"kpi": "bts_total", "value": "1150"}])
    assert saved.status_code == 200
    stale = patch(staff, draft, version=1, values=[{"kpi": "bts_total", "value": "1300"}])
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale_version"
    assert body["current"]["version"] == 2
    assert body["saved_by"] == staff_laocai.username
    assert "after you opened it" in body["detail"]
    current = {item["kpi"]: item["value"] for item in body["current"]["values"]}
    assert current["bts_total"] == "1150.00"
    assert value_of(draft, laocai.bts_total).value == 1150


def test_a_save_that_changes_nothing_keeps_the_version_so_a_colleague_saves_without_conflict(
    staff, staff_laocai, admin_user, laocai, draft
):
    QuarterlyReport.objects.filter(pk=draft.pk).update(version=6, updated_by=staff_laocai)
    opened = staff.get(url("report-detail", draft.pk)).json()
    assert opened["version"] == 6

    # The administrator sends the version alone: nothing to change, so nothing is saved.
    idle = patch(token_client(admin_user), draft, version=6)
    assert idle.status_code == 200, idle.json()
    assert idle.json()["version"] == 6
    draft.refresh_from_db()
    assert (draft.version, draft.updated_by) == (6, staff_laocai)
    assert not draft.history.filter(history_user=admin_user).exists()

    mine = patch(staff, draft, version=6, values=[{"kpi": "bts_total", "value": "1150"}])
    assert mine.status_code == 200, mine.json()
    assert mine.json()["version"] == 7
    assert value_of(draft, laocai.bts_total).value == 1150


def test_it_refuses_a_bad_value_with_the_forms_field_key_and_message(staff, laocai, draft):
    response = patch(staff, draft, version=draft.version, values=[{"kpi": "bts_4g", "value": "-5"}])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"kpi-bts_4g-value": ["A count cannot be negative."]}
    assert value_of(draft, laocai.bts_4g).value == 400


def test_it_answers_in_the_language_asked_for(staff_laocai, laocai, draft):
    vietnamese = token_client(staff_laocai, language="vi")
    response = patch(
        vietnamese, draft, version=draft.version, values=[{"kpi": "bts_4g", "value": "-5"}]
    )
    with translation.override("vi"):
        from django.utils.translation import gettext

        expected = gettext("A count cannot be negative.")
    assert response.json()["errors"]["kpi-bts_4g-value"] == [expected]
    assert response["Content-Language"] == "vi"


def test_it_checks_a_part_against_its_stored_total(staff, laocai, draft):
    response = patch(
        staff, draft, version=draft.version, values=[{"kpi": "bts_4g", "value": "1200"}]
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "kpi-bts_4g-value": ["4G stations (1,200) cannot be greater than BTS stations (1,100)."]
    }


def test_it_asks_for_a_reason_before_saving_an_unusual_value(staff, laocai, draft):
    fall = [{"kpi": "bts_total", "value": "900"}, {"kpi": "bts_4g", "value": "300"}]
    refused = patch(staff, draft, version=draft.version, values=fall)
    assert refused.status_code == 400
    assert refused.json()["code"] == "needs_confirmation"
    assert "kpi-bts_total-value" in refused.json()["warnings"]
    assert value_of(draft, laocai.bts_total).value == 1100
    confirmed = patch(
        staff, draft, version=draft.version, values=fall, warning_reason="Tháo dỡ trạm cũ."
    )
    assert confirmed.status_code == 200
    assert value_of(draft, laocai.bts_total).warning_reason == "Tháo dỡ trạm cũ."


def test_it_refuses_a_kpi_the_agreement_does_not_track(staff, laocai, draft):
    response = patch(
        staff, draft, version=draft.version, values=[{"kpi": "ftth_subscribers", "value": "1"}]
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "kpi-ftth_subscribers": [
            "This agreement has neither a target nor approved values for the KPI ftth_subscribers."
        ]
    }


def test_it_updates_a_commitments_status(staff, laocai, draft):
    body = [{"commitment": laocai.commitment.pk, "status": "in_progress", "percent_complete": 60}]
    response = patch(staff, draft, version=draft.version, commitments=body)
    assert response.status_code == 200
    assert response.json()["commitments"] == [
        {
            "commitment": laocai.commitment.pk,
            "status": "in_progress",
            "percent_complete": 60,
            "note": "",
        }
    ]
    update = CommitmentProgress.objects.get(report=draft, commitment=laocai.commitment)
    assert (update.status, update.percent_complete) == ("in_progress", 60)


def test_it_refuses_a_percentage_above_100_for_a_commitment(staff, laocai, draft):
    body = [{"commitment": laocai.commitment.pk, "percent_complete": 150}]
    response = patch(staff, draft, version=draft.version, commitments=body)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "commitments": {
            "0": {"percent_complete": ["Ensure this value is less than or equal to 100."]}
        }
    }


def test_it_refuses_to_change_a_submitted_report_with_409(staff, laocai):
    submitted = complete_report(laocai, ReportStatus.SUBMITTED)
    response = patch(
        staff, submitted, version=submitted.version, values=[{"kpi": "bts_total", "value": "1"}]
    )
    assert response.status_code == 409
    assert response.json()["code"] == "locked"
    assert response.json()["current"]["status"] == "submitted"


def test_it_refuses_to_submit_an_incomplete_report(staff, laocai, draft):
    draft.values.filter(kpi=laocai.level4).delete()
    response = staff.post(url("report-submit", draft.pk), {"version": draft.version}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (
        body["detail"] == "The report cannot be submitted until every value is entered and valid."
    )
    assert body["errors"] == {
        "kpi-level4_services_pct-value": ["Enter this value before submitting the report."]
    }
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


def test_it_carries_a_report_from_draft_to_approval(staff, reviewer, laocai, draft):
    submitted = staff.post(
        url("report-submit", draft.pk), {"version": draft.version}, format="json"
    )
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    review = token_client(reviewer)
    version = submitted.json()["version"]
    approved = review.post(
        url("report-approve", draft.pk), {"version": version, "comment": "Đạt."}, format="json"
    )
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["reviewed_by"]) == ("approved", "reviewer")
    values = token_client(reviewer).get(url("value-list"), {"quarter": "2021Q4"}).json()
    assert {item["kpi"] for item in values["results"]} == {
        "bts_total",
        "bts_4g",
        "villages_fibre",
        "level4_services_pct",
    }


def test_it_returns_a_report_only_with_a_comment(reviewer, laocai):
    submitted = complete_report(laocai, ReportStatus.SUBMITTED)
    review = token_client(reviewer)
    refused = review.post(
        url("report-return", submitted.pk), {"version": submitted.version}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "comment": ["Say what needs changing before returning the report."]
    }
    returned = review.post(
        url("report-return", submitted.pk),
        {"version": submitted.version, "comment": "Kiểm tra lại số trạm 4G."},
        format="json",
    )
    assert returned.json()["status"] == "returned"


def test_it_refuses_to_approve_twice(reviewer, laocai):
    submitted = complete_report(laocai, ReportStatus.SUBMITTED)
    review = token_client(reviewer)
    first = review.post(
        url("report-approve", submitted.pk), {"version": submitted.version}, format="json"
    )
    again = review.post(
        url("report-approve", submitted.pk), {"version": first.json()["version"]}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


def test_it_reopens_an_approved_quarter_only_with_a_reason(admin_user, laocai):
    approved = complete_report(laocai, ReportStatus.APPROVED)
    admin = token_client(admin_user)
    refused = admin.post(url("report-reopen", approved.pk), {"reason": " "}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"reason": ["Give the reason for reopening this quarter."]}
    reopened = admin.post(
        url("report-reopen", approved.pk), {"reason": "Sai số trạm."}, format="json"
    )
    assert reopened.json()["status"] == "returned"


def test_a_value_confirmed_once_needs_no_reason_in_a_later_patch(staff, laocai, draft):
    fall = [{"kpi": "bts_total", "value": "900"}, {"kpi": "bts_4g", "value": "300"}]
    patch(staff, draft, version=draft.version, values=fall, warning_reason="Bão lũ")
    draft.refresh_from_db()
    response = patch(staff, draft, version=draft.version, narrative="Chỉ sửa thuyết minh.")
    assert response.status_code == 200, response.json()
    assert value_of(draft, laocai.bts_total).warning_reason == "Bão lũ"


@pytest.mark.parametrize("typed", ["２０００", "1e3", "١٤٨٠", "9_0", "Infinity"])
def test_it_refuses_a_number_the_form_and_import_refuse(staff_laocai, laocai, draft, typed):
    vietnamese = token_client(staff_laocai, language="vi")
    values = [
        {"kpi": "bts_total", "value": typed},
        {"kpi": "villages_fibre", "numerator": typed, "denominator": typed},
    ]
    commitments = [{"commitment": laocai.commitment.pk, "percent_complete": typed}]
    response = patch(
        vietnamese, draft, version=draft.version, values=values, commitments=commitments
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["warnings"]) == ("invalid", {})
    number = "Nhập một số, ví dụ 79500, 79.500 hoặc 91,7."
    assert body["errors"]["values"] == {
        "0": {"value": [number]},
        "1": {"numerator": [number], "denominator": [number]},
    }
    assert body["errors"]["commitments"] == {"0": {"percent_complete": [number]}}
    draft.refresh_from_db()
    assert draft.version == 1
    assert value_of(draft, laocai.bts_total).value == 1100
    assert value_of(draft, laocai.villages_fibre).numerator == 1100


def test_it_reads_numbers_as_json_numbers_or_as_typed(staff, laocai, draft):
    values = [
        {"kpi": "bts_total", "value": 1480},
        {"kpi": "level4_services_pct", "value": 40.5},
        {"kpi": "villages_fibre", "numerator": "1,200", "denominator": " 1569 "},
    ]
    commitments = [{"commitment": laocai.commitment.pk, "percent_complete": "60"}]
    response = patch(staff, draft, version=draft.version, values=values, commitments=commitments)
    assert response.status_code == 200, response.json()
    assert value_of(draft, laocai.bts_total).value == 1480
    assert value_of(draft, laocai.level4).value == Decimal("40.5")
    fibre = value_of(draft, laocai.villages_fibre)
    assert (fibre.numerator, fibre.denominator) == (1200, 1569)
    update = CommitmentProgress.objects.get(report=draft, commitment=laocai.commitment)
    assert update.percent_complete == 60


def test_it_refuses_a_commitment_percentage_with_a_fraction(staff, laocai, draft):
    body = [{"commitment": laocai.commitment.pk, "percent_complete": "60,5"}]
    response = patch(staff, draft, version=draft.version, commitments=body)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "commitments": {"0": {"percent_complete": ["A valid integer is required."]}}
    }
    assert not CommitmentProgress.objects.filter(report=draft, percent_complete=60).exists()


NOT_A_NUMBER = "Nhập một số, ví dụ 79500, 79.500 hoặc 91,7."


def oddly_written(number: int, style: str) -> str:
    """A whole number as Python's int() reads it but nobody types it."""
    if style == "underscore":
        return f"0_{number}"
    return str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


@pytest.mark.parametrize("typed", ["1_0", "١٠"])
def test_it_refuses_a_version_written_as_nobody_writes_ten(staff_laocai, laocai, draft, typed):
    QuarterlyReport.objects.filter(pk=draft.pk).update(version=10)
    vietnamese = token_client(staff_laocai, language="vi")
    values = [{"kpi": "bts_total", "value": "1150"}]

    saved = patch(vietnamese, draft, version=typed, values=values)
    submitted = vietnamese.post(url("report-submit", draft.pk), {"version": typed}, format="json")

    for response in (saved, submitted):
        assert response.status_code == 400
        assert response.json()["errors"] == {"version": [NOT_A_NUMBER]}
    draft.refresh_from_db()
    assert (draft.version, draft.status) == (10, ReportStatus.DRAFT)
    assert value_of(draft, laocai.bts_total).value == 1100
    plain = patch(vietnamese, draft, version=10, values=values)
    assert plain.status_code == 200, plain.json()
    assert value_of(draft, laocai.bts_total).value == 1150


@pytest.mark.parametrize("style", ["underscore", "arabic-indic"])
def test_it_refuses_an_id_written_as_nobody_writes_it(staff_laocai, laocai, draft, style):
    vietnamese = token_client(staff_laocai, language="vi")
    agreement = oddly_written(laocai.agreement.pk, style)
    opened = vietnamese.post(
        url("report-list"), {"agreement": agreement, "quarter": "2022Q2"}, format="json"
    )
    assert opened.status_code == 400
    assert opened.json()["errors"] == {"agreement": [NOT_A_NUMBER]}
    assert not QuarterlyReport.objects.filter(quarter=20222).exists()

    commitment = oddly_written(laocai.commitment.pk, style)
    body = [{"commitment": commitment, "status": "in_progress"}]
    saved = patch(vietnamese, draft, version=draft.version, commitments=body)
    assert saved.status_code == 400
    assert saved.json()["errors"] == {"commitments": {"0": {"commitment": [NOT_A_NUMBER]}}}
    assert not CommitmentProgress.objects.filter(report=draft).exists()


def test_it_refuses_a_number_too_long_for_any_field_not_with_a_server_error(
    staff_laocai, laocai, draft
):
    vietnamese = token_client(staff_laocai, language="vi")
    # Sixteen digits, where a number may have fourteen before its decimal point.
    long = 4503599627370496
    too_long = "Hãy chắc chắn rằng không có nhiều hơn 14 chữ số trước dấu phẩy thập phân."
    opened = vietnamese.post(
        url("report-list"), {"agreement": long, "quarter": "2022Q2"}, format="json"
    )
    assert opened.status_code == 400
    assert opened.json()["errors"] == {"agreement": [too_long]}
    saved = patch(
        vietnamese,
        draft,
        version=long,
        values=[{"kpi": "bts_total", "value": long}],
        commitments=[{"commitment": long, "percent_complete": long}],
    )
    assert saved.status_code == 400
    assert saved.json()["errors"] == {
        "version": [too_long],
        "values": {"0": {"value": [too_long]}},
        "commitments": {"0": {"commitment": [too_long], "percent_complete": [too_long]}},
    }
    assert value_of(draft, laocai.bts_total).value == 1100


@pytest.mark.parametrize("typed", ["60.0", "60.00"])
def test_a_whole_number_is_plain_digits_in_the_api_as_on_the_form(staff, laocai, draft, typed):
    body = [{"commitment": laocai.commitment.pk, "percent_complete": typed}]
    response = patch(staff, draft, version=draft.version, commitments=body)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "commitments": {"0": {"percent_complete": ["A valid integer is required."]}}
    }
