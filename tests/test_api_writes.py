"""Changing reports through the API: the same services, rules and messages as the form."""

from decimal import Decimal

import pytest
from django.utils import translation

from milestones.models import CommitmentProgress, KpiValue, QuarterlyReport, ReportStatus

from .api import token_client, url
from .test_api_permissions import complete_report

pytestmark = pytest.mark.django_db

WHOLE_NUMBER = "Nhập một số nguyên, chỉ gồm chữ số."


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
            "warning_reason": "",
        }
    ]
    update = CommitmentProgress.objects.get(report=draft, commitment=laocai.commitment)
    assert (update.status, update.percent_complete) == ("in_progress", 60)


def test_it_refuses_a_percentage_above_100_for_a_commitment(staff, laocai, draft):
    body = [{"commitment": laocai.commitment.pk, "percent_complete": 150}]
    response = patch(staff, draft, version=draft.version, commitments=body)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        f"commitment-{laocai.commitment.pk}-percent_complete": [
            "Ensure this value is less than or equal to 100."
        ]
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
    assert body["errors"] == {
        "kpi-bts_total-value": [number],
        "kpi-villages_fibre-numerator": [number],
        "kpi-villages_fibre-denominator": [number],
        f"commitment-{laocai.commitment.pk}-percent_complete": [WHOLE_NUMBER],
    }
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
        f"commitment-{laocai.commitment.pk}-percent_complete": ["Enter a whole number in digits."]
    }
    assert not CommitmentProgress.objects.filter(report=draft, percent_complete=60).exists()


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
        assert response.json()["errors"] == {"version": [WHOLE_NUMBER]}
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
    assert opened.json()["errors"] == {"agreement": [WHOLE_NUMBER]}
    assert not QuarterlyReport.objects.filter(quarter=20222).exists()

    commitment = oddly_written(laocai.commitment.pk, style)
    body = [{"commitment": commitment, "status": "in_progress"}]
    saved = patch(vietnamese, draft, version=draft.version, commitments=body)
    assert saved.status_code == 400
    # An id that cannot be read names no commitment: the item is told by its place.
    assert saved.json()["errors"] == {"commitments-0-commitment": [WHOLE_NUMBER]}
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
        "kpi-bts_total-value": [too_long],
        f"commitment-{long}": [too_long],
        f"commitment-{long}-percent_complete": [too_long],
    }
    assert value_of(draft, laocai.bts_total).value == 1100


@pytest.mark.parametrize("typed", ["60.0", "60.00"])
def test_a_whole_number_is_plain_digits_in_the_api_as_on_the_form(staff, laocai, draft, typed):
    body = [{"commitment": laocai.commitment.pk, "percent_complete": typed}]
    response = patch(staff, draft, version=draft.version, commitments=body)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        f"commitment-{laocai.commitment.pk}-percent_complete": ["Enter a whole number in digits."]
    }


# What a PATCH does not store is refused, never dropped: all or nothing --------------


def unchanged(draft, laocai):
    """Nothing of a refused PATCH was saved: the version and the values are as they were."""
    draft.refresh_from_db()
    fibre = value_of(draft, laocai.villages_fibre)
    return (
        draft.version,
        value_of(draft, laocai.bts_total).value,
        value_of(draft, laocai.bts_4g).value,
        (fibre.numerator, fibre.denominator),
    ) == (1, 1100, 400, (1100, 1569))


def vietnamese_by_default(user):
    """A client that names no language, as a province's system might be."""
    client = token_client(user)
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    return client


def test_it_refuses_a_value_for_a_ratio_as_the_form_offers_none(staff_laocai, laocai, draft):
    only_value = [{"kpi": "villages_fibre", "value": "90"}]
    response = patch(vietnamese_by_default(staff_laocai), draft, version=1, values=only_value)
    assert response.status_code == 400
    assert response["Content-Language"] == "vi"
    assert response.json()["errors"] == {
        "kpi-villages_fibre-value": [
            "Thôn có cáp quang là chỉ tiêu tỷ lệ: hãy gửi tử số (numerator) và mẫu số "
            "(denominator) để cổng thông tin tự tính tỷ lệ phần trăm, không gửi giá trị (value)."
        ]
    }
    # With its parts the value would be replaced by their share (89.23): refused all the same.
    beside_parts = [
        {"kpi": "villages_fibre", "value": "90", "numerator": "1400", "denominator": "1569"},
        {"kpi": "bts_total", "value": "1150"},
    ]
    response = patch(token_client(staff_laocai), draft, version=1, values=beside_parts)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "kpi-villages_fibre-value": [
            "Villages with fibre is a ratio: send its numerator and denominator, from which "
            "the portal works out the percentage, and no value."
        ]
    }
    assert unchanged(draft, laocai)


def test_it_refuses_a_numerator_or_denominator_for_a_count(staff, laocai, draft):
    parts = [{"kpi": "bts_total", "numerator": "1150", "denominator": "1200"}]
    response = patch(staff, draft, version=1, values=parts)
    assert response.status_code == 400
    takes_a_value = "BTS stations takes a value only; a numerator and a denominator are for ratios."
    assert response.json()["errors"] == {
        "kpi-bts_total-numerator": [takes_a_value],
        "kpi-bts_total-denominator": [takes_a_value],
    }
    assert unchanged(draft, laocai)


def test_it_refuses_a_misspelt_key_naming_it(staff_laocai, laocai, draft):
    misspelt = patch(
        token_client(staff_laocai), draft, version=1, values=[{"kpi": "bts_4g", "valeu": "760"}]
    )
    assert misspelt.status_code == 400
    assert misspelt.json()["errors"] == {
        "kpi-bts_4g-valeu": [
            "There is no field “valeu” here; the fields are: kpi, value, measured_on, note."
        ]
    }
    singular = patch(
        vietnamese_by_default(staff_laocai),
        draft,
        version=1,
        value=[{"kpi": "bts_4g", "value": "760"}],
    )
    assert singular.status_code == 400
    assert singular.json()["errors"] == {
        "value": [
            "Không có trường “value” ở đây; các trường được nhận là: version, values, "
            "commitments, narrative, warning_reason."
        ]
    }
    assert unchanged(draft, laocai)


def test_it_refuses_a_kpi_or_commitment_sent_twice(staff, laocai, draft):
    twice = [{"kpi": "bts_total", "value": "1150"}, {"kpi": "bts_total", "value": "1200"}]
    commitments = [
        {"commitment": laocai.commitment.pk, "status": "in_progress"},
        {"commitment": str(laocai.commitment.pk), "status": "done"},
    ]
    response = patch(staff, draft, version=1, values=twice, commitments=commitments)
    assert response.status_code == 400
    pk = laocai.commitment.pk
    assert response.json()["errors"] == {
        "kpi-bts_total": ["The KPI bts_total is sent more than once; send each KPI once."],
        f"commitment-{pk}": [f"Commitment {pk} is sent more than once; send each commitment once."],
    }
    assert unchanged(draft, laocai)
    assert not CommitmentProgress.objects.filter(report=draft).exists()


def test_a_refusal_of_one_item_saves_none_of_the_others(staff, laocai, draft):
    values = [
        {"kpi": "bts_total", "value": "1150"},
        {"kpi": "villages_fibre", "numerator": "1200", "denominator": "1569"},
        {"kpi": "bts_4g", "value": "410", "unit": "trạm"},
    ]
    response = patch(staff, draft, version=1, values=values, narrative="Quý IV.")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["kpi-bts_4g-unit"]
    assert unchanged(draft, laocai)
    assert draft.narrative != "Quý IV."


def test_every_field_error_is_keyed_like_the_form_with_a_list_of_messages(staff, laocai, draft):
    values = [
        {"kpi": "bts_4g", "value": "bốn trăm"},
        {"kpi": "villages_fibre", "numerator": "x", "measured_on": "hôm qua"},
        {"value": "5"},
        "bts_total=5",
    ]
    commitments = [{"commitment": laocai.commitment.pk, "status": "xong"}]
    response = patch(staff, draft, version=1, values=values, commitments=commitments)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {
        "kpi-bts_4g-value",
        "kpi-villages_fibre-numerator",
        "kpi-villages_fibre-measured_on",
        # Items that name no KPI are told by their place in the list.
        "values-2-kpi",
        "values-3",
        f"commitment-{laocai.commitment.pk}-status",
    }
    assert all(
        isinstance(messages, list) and all(isinstance(message, str) for message in messages)
        for messages in errors.values()
    )
    assert errors[f"commitment-{laocai.commitment.pk}-status"] == [
        "“xong” is not one of the choices: not_started, in_progress, done, at_risk, dropped."
    ]
    not_a_list = patch(staff, draft, version=1, values={"kpi": "bts_4g", "value": "410"})
    assert list(not_a_list.json()["errors"]) == ["values"]
    assert unchanged(draft, laocai)


@pytest.mark.parametrize(
    "body",
    [{"agreement": "abc", "quarter": "2022Q2"}, {"agreement": True, "quarter": "2022Q2"}],
)
def test_an_id_that_is_no_whole_number_is_told_so_without_figure_examples(
    staff_laocai, laocai, body
):
    response = token_client(staff_laocai, language="vi").post(
        url("report-list"), body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"agreement": [WHOLE_NUMBER]}


@pytest.mark.parametrize("version", [True, "một", 1.5])
def test_a_version_that_is_no_whole_number_is_told_so(staff, laocai, draft, version):
    response = patch(staff, draft, version=version, values=[{"kpi": "bts_total", "value": "1"}])
    assert response.status_code == 400
    assert response.json()["errors"] == {"version": ["Enter a whole number in digits."]}
    assert unchanged(draft, laocai)


def test_a_conflict_names_the_saver_as_typed_and_its_time_as_the_report_does(
    staff, staff_laocai, laocai, draft
):
    patch(staff, draft, version=1, values=[{"kpi": "bts_total", "value": "1150"}])
    vietnamese = vietnamese_by_default(staff_laocai)
    stale = patch(vietnamese, draft, version=1, values=[{"kpi": "bts_total", "value": "1300"}])
    assert stale.status_code == 409
    body = stale.json()
    assert body["saved_by"] == "staff_laocai"
    assert body["detail"].startswith("staff_laocai đã lưu báo cáo này lúc ")
    assert body["saved_at"] == body["current"]["updated_at"]
    assert body["saved_at"].endswith("+07:00")


def test_a_form_sent_to_the_api_is_refused_a_misspelt_key_as_json_is(staff, laocai, draft):
    # A browser form or a script posting form fields: its lists are spelt values[0]kpi.
    form = {
        "version": "1",
        "values[0]kpi": "bts_4g",
        "values[0]value": "760",
        "narative": "Quý này lắp thêm 100 trạm.",
        "csrfmiddlewaretoken": "sent-by-a-browser-form",
    }
    response = staff.patch(url("report-detail", draft.pk), form, format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "narative": [
            "There is no field “narative” here; the fields are: version, values, "
            "commitments, narrative, warning_reason."
        ]
    }
    assert unchanged(draft, laocai)

    del form["narative"]
    response = staff.patch(url("report-detail", draft.pk), form, format="multipart")
    assert response.status_code == 200
    assert value_of(draft, laocai.bts_4g).value == 760
