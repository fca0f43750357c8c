"""A new quarter's commitments start where the last approved quarter left them, and say so.

Q4/2021 is entered at "In progress, 40 %" and approved: Q1/2022 opens at that status and
per cent with the previous approved progress beside it, never back at "Not started, 0".
Progress going back from it (a lower per cent, done → in progress) is saved once the user
gives a reason, as a falling stock is.
"""

import re

import pytest
from django.urls import reverse

from milestones.models import CommitmentProgress, QuarterlyReport, ReportStatus

from .admin_forms import page_text
from .api import token_client, url
from .conftest import report_form_data
from .factories import CommitmentProgressFactory, QuarterlyReportFactory

pytestmark = pytest.mark.django_db

NEXT_QUARTER = 20221
# The form writes the per cent as every page writes a share (core.formatting.share).
PREVIOUS_SHOWN = {
    "en": "In progress · 40.0% Q4/2021",
    "vi": "Đang thực hiện · 40,0% Quý 4/2021",
}
GOES_BACK = {
    "en": "Phủ sóng 100% thôn, bản goes back from In progress, 40.0% complete in Q4/2021 to "
    "In progress, 30.0% complete, although a commitment's progress usually only moves forward.",
    "vi": "Phủ sóng 100% thôn, bản lùi từ Đang thực hiện, hoàn thành 40,0% trong Quý 4/2021 về "
    "Đang thực hiện, hoàn thành 30,0%, trong khi tiến độ thực hiện cam kết thường chỉ tăng lên.",
}
CONFIRMED = {"en": "Confirmed step back: ", "vi": "Đã xác nhận tiến độ lùi: "}
REASON = "Dự án điều chỉnh phạm vi, thêm 50 thôn mới."


def edit_url(scenario, quarter):
    return reverse("milestones:report-edit", args=[scenario.agreement.pk, quarter])


def commitment_fields(scenario, status, percent, **more) -> dict:
    prefix = f"commitment-{scenario.commitment.pk}"
    return {f"{prefix}-status": status, f"{prefix}-percent_complete": str(percent), **more}


def approve_fourth_quarter(client, staff, reviewer, scenario, status="in_progress", percent=40):
    """Q4/2021 submitted by its staff through the form, then approved by a reviewer; the
    staff member is signed in again."""
    client.force_login(staff)
    typed = report_form_data(scenario, submit="1", **commitment_fields(scenario, status, percent))
    client.post(edit_url(scenario, scenario.quarter), typed)
    report = QuarterlyReport.objects.get(agreement=scenario.agreement, quarter=scenario.quarter)
    client.force_login(reviewer)
    client.post(reverse("milestones:report-approve", args=[report.pk]), {"version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    client.force_login(staff)
    return report


def shown(page: str, scenario) -> dict:
    """The commitment's row as the user sees it: the status chosen, the per cent in its box,
    and the previous approved progress beside them."""
    prefix = f"commitment-{scenario.commitment.pk}"
    select = re.search(rf'<select name="{prefix}-status".*?</select>', page, re.S).group(0)
    percent = re.search(rf'<input[^>]*name="{prefix}-percent_complete"[^>]*>', page).group(0)
    previous = re.search(r'<td class="previous"[^>]*>(.*?)</td>', page, re.S).group(1)
    return {
        "status": re.search(r'<option value="([^"]*)" selected>', select).group(1),
        "percent": re.search(r'value="([^"]*)"', percent).group(1),
        "previous": " ".join(re.sub(r"<[^>]+>", " ", previous).split()),
    }


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_next_quarter_starts_from_the_approved_progress_and_shows_it(
    client, staff_laocai, reviewer, laocai, language
):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai)

    response = client.get(edit_url(laocai, NEXT_QUARTER), HTTP_ACCEPT_LANGUAGE=language)

    assert shown(page_text(response), laocai) == {
        "status": "in_progress",
        "percent": "40",
        "previous": PREVIOUS_SHOWN[language],
    }


def test_the_next_quarter_submitted_as_it_opens_keeps_the_progress(
    client, staff_laocai, reviewer, laocai
):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai)
    form = client.get(edit_url(laocai, NEXT_QUARTER)).context["form"]
    # What the browser posts back: every field as the page filled it, the figures typed.
    typed = {name: form[name].value() for name in form.fields if name.startswith("commitment-")}
    typed = {name: value for name, value in typed.items() if value is not None}
    figures = {
        name: value
        for name, value in report_form_data(laocai, submit="1").items()
        if not name.startswith("commitment-")
    }

    client.post(edit_url(laocai, NEXT_QUARTER), {**figures, **typed})

    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=NEXT_QUARTER)
    assert report.status == ReportStatus.SUBMITTED
    update = report.commitment_updates.get()
    assert (update.status, update.percent_complete) == ("in_progress", 40)


def test_a_quarter_with_its_own_progress_keeps_it(client, staff_laocai, reviewer, laocai):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai)
    client.post(
        edit_url(laocai, NEXT_QUARTER),
        report_form_data(laocai, **commitment_fields(laocai, "done", 100)),
    )

    page = page_text(client.get(edit_url(laocai, NEXT_QUARTER), HTTP_ACCEPT_LANGUAGE="en"))

    assert shown(page, laocai) == {
        "status": "done",
        "percent": "100",
        "previous": PREVIOUS_SHOWN["en"],
    }


def test_the_latest_approved_quarter_counts_not_a_later_draft_or_an_earlier_approval(
    client, staff_laocai, laocai
):
    earlier = QuarterlyReportFactory(
        agreement=laocai.agreement, quarter=20212, status=ReportStatus.APPROVED
    )
    CommitmentProgressFactory(
        report=earlier, commitment=laocai.commitment, status="in_progress", percent_complete=10
    )
    CommitmentProgressFactory(
        report=laocai.previous_report,
        commitment=laocai.commitment,
        status="in_progress",
        percent_complete=40,
    )
    # Q3/2021's report is the latest approved one before Q1/2022; Q4/2021 is only a draft.
    draft = QuarterlyReportFactory(agreement=laocai.agreement, quarter=20214)
    CommitmentProgressFactory(
        report=draft, commitment=laocai.commitment, status="done", percent_complete=100
    )
    client.force_login(staff_laocai)

    page = page_text(client.get(edit_url(laocai, NEXT_QUARTER), HTTP_ACCEPT_LANGUAGE="en"))

    assert shown(page, laocai) == {
        "status": "in_progress",
        "percent": "40",
        "previous": "In progress · 40.0% Q3/2021",
    }


def test_a_commitment_never_reported_starts_not_started_with_nothing_before(
    client, staff_laocai, laocai
):
    client.force_login(staff_laocai)
    page = page_text(client.get(edit_url(laocai, laocai.quarter), HTTP_ACCEPT_LANGUAGE="en"))
    assert shown(page, laocai) == {"status": "not_started", "percent": "0", "previous": "—"}


def test_a_note_sent_alone_through_the_api_keeps_the_approved_progress(
    client, staff_laocai, reviewer, laocai
):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai)
    api = token_client(staff_laocai)
    opened = api.post(
        url("report-list"), {"agreement": laocai.agreement.pk, "quarter": "2022Q1"}, format="json"
    ).json()
    sent = {
        "version": opened["version"],
        "commitments": [{"commitment": laocai.commitment.pk, "note": "Đã lắp 40 trạm."}],
    }

    response = api.patch(url("report-detail", opened["id"]), sent, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["commitments"] == [
        {
            "commitment": laocai.commitment.pk,
            "status": "in_progress",
            "percent_complete": 40,
            "note": "Đã lắp 40 trạm.",
            "warning_reason": "",
        }
    ]


def next_quarter(scenario):
    return QuarterlyReport.objects.filter(agreement=scenario.agreement, quarter=NEXT_QUARTER)


@pytest.mark.parametrize("language", ["en", "vi"])
def test_progress_going_back_is_saved_only_with_a_reason_and_then_shows_it(
    client, staff_laocai, reviewer, laocai, language
):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai)
    lower = report_form_data(laocai, **commitment_fields(laocai, "in_progress", 30))

    refused = client.post(edit_url(laocai, NEXT_QUARTER), lower, HTTP_ACCEPT_LANGUAGE=language)

    assert refused.status_code == 200
    page = page_text(refused)
    assert GOES_BACK[language] in page
    assert 'name="warning_reason"' in page
    assert 'value="30"' in page, "what was typed stays"
    assert not next_quarter(laocai).exists()

    confirmed = client.post(
        edit_url(laocai, NEXT_QUARTER),
        {**lower, "warning_reason": REASON},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )

    update = next_quarter(laocai).get().commitment_updates.get()
    assert (update.status, update.percent_complete) == ("in_progress", 30)
    assert update.warning_reason == REASON
    assert CONFIRMED[language] + REASON in page_text(confirmed)


def test_a_status_going_back_needs_a_reason_too(client, staff_laocai, reviewer, laocai):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai, status="done", percent=100)
    back = report_form_data(laocai, **commitment_fields(laocai, "in_progress", 100))

    response = client.post(edit_url(laocai, NEXT_QUARTER), back, HTTP_ACCEPT_LANGUAGE="en")

    field = f"commitment-{laocai.commitment.pk}-status"
    assert list(response.context["warnings"]) == [field]
    assert "goes back from Done, 100.0% complete in Q4/2021 to In progress, 100.0% complete" in (
        page_text(response)
    )
    assert not next_quarter(laocai).exists()


@pytest.mark.parametrize(
    ("status", "percent"),
    [("in_progress", 40), ("in_progress", 55), ("done", 100), ("at_risk", 40), ("dropped", 40)],
)
def test_progress_kept_or_moving_on_needs_no_reason(
    client, staff_laocai, reviewer, laocai, status, percent
):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai)
    typed = report_form_data(laocai, **commitment_fields(laocai, status, percent))
    assert client.post(edit_url(laocai, NEXT_QUARTER), typed).status_code == 302
    assert next_quarter(laocai).get().commitment_updates.get().status == status


def test_a_reason_holds_until_the_progress_changes_and_the_report_then_submits(
    client, staff_laocai, reviewer, laocai
):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai)
    lower = report_form_data(laocai, **commitment_fields(laocai, "in_progress", 30))
    client.post(edit_url(laocai, NEXT_QUARTER), {**lower, "warning_reason": REASON})
    report = next_quarter(laocai).get()

    lower_still = report_form_data(
        laocai, version=report.version, **commitment_fields(laocai, "in_progress", 20)
    )
    asked_again = client.post(edit_url(laocai, NEXT_QUARTER), lower_still)
    assert f"commitment-{laocai.commitment.pk}-percent_complete" in asked_again.context["warnings"]

    # Saved again as confirmed, then submitted: the submission's own check takes the reason.
    submitted = client.post(
        edit_url(laocai, NEXT_QUARTER), {**lower, "version": report.version, "submit": "1"}
    )
    assert submitted.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.commitment_updates.get().warning_reason == REASON


def test_a_draft_left_at_not_started_before_is_not_submitted_without_a_reason(
    client, staff_laocai, reviewer, laocai
):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai)
    # Saved before the form started from the approved progress: back at the start, unasked.
    draft = QuarterlyReportFactory(agreement=laocai.agreement, quarter=NEXT_QUARTER)
    CommitmentProgress.objects.create(report=draft, commitment=laocai.commitment)
    api = token_client(staff_laocai)
    figures = [
        {"kpi": "bts_total", "value": 1100},
        {"kpi": "bts_4g", "value": 400},
        {"kpi": "villages_fibre", "numerator": 1100, "denominator": 1569},
        {"kpi": "level4_services_pct", "value": 40},
    ]
    saved = api.patch(
        url("report-detail", draft.pk), {"version": draft.version, "values": figures}, format="json"
    ).json()

    response = api.post(
        url("report-submit", draft.pk), {"version": saved["version"]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "needs_confirmation"
    assert list(response.json()["warnings"]) == [
        f"commitment-{laocai.commitment.pk}-percent_complete"
    ]


def test_the_api_asks_for_a_reason_before_saving_progress_going_back(
    client, staff_laocai, reviewer, laocai
):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai)
    api = token_client(staff_laocai)
    opened = api.post(
        url("report-list"), {"agreement": laocai.agreement.pk, "quarter": "2022Q1"}, format="json"
    ).json()
    lower = [{"commitment": laocai.commitment.pk, "percent_complete": 30}]

    refused = api.patch(
        url("report-detail", opened["id"]),
        {"version": opened["version"], "commitments": lower},
        format="json",
    )

    assert refused.status_code == 400
    assert refused.json()["code"] == "needs_confirmation"
    assert refused.json()["warnings"] == {
        f"commitment-{laocai.commitment.pk}-percent_complete": GOES_BACK["en"]
    }
    confirmed = api.patch(
        url("report-detail", opened["id"]),
        {"version": opened["version"], "commitments": lower, "warning_reason": REASON},
        format="json",
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["commitments"][0]["warning_reason"] == REASON


def test_an_autosave_keeps_no_progress_going_back(client, staff_laocai, reviewer, laocai):
    approve_fourth_quarter(client, staff_laocai, reviewer, laocai)
    lower = report_form_data(laocai, **commitment_fields(laocai, "in_progress", 30))
    autosave = reverse("milestones:report-autosave", args=[laocai.agreement.pk, NEXT_QUARTER])

    response = client.post(autosave, lower, HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["saved"] is False
    assert "give a reason" in response.json()["message"]
    assert not next_quarter(laocai).exists()
