"""Four eyes: whoever submitted a report, or changed its values since it was last returned,
cannot approve it, on the page or through the API."""

import pytest
from django.urls import reverse

from milestones import services
from milestones.models import QuarterlyReport, ReportStatus

from .api import EN, token_client, url
from .conftest import report_form_data
from .test_api_permissions import complete_report

pytestmark = pytest.mark.django_db

MESSAGE = (
    "You submitted this report, so another reviewer or administrator must approve it. "
    "You can still return it for changes."
)


@pytest.fixture
def submitted_by_admin(admin_user, laocai):
    draft = complete_report(laocai, ReportStatus.DRAFT)
    return services.submit_report(draft, admin_user, draft.version)


def test_the_service_refuses_an_approval_by_the_submitter(admin_user, submitted_by_admin):
    with pytest.raises(services.ReportOwnSubmission):
        services.approve_report(submitted_by_admin, admin_user, submitted_by_admin.version)
    submitted_by_admin.refresh_from_db()
    assert submitted_by_admin.status == ReportStatus.SUBMITTED


def test_the_page_explains_and_offers_no_approve_button(client, admin_user, submitted_by_admin):
    client.force_login(admin_user)
    page = client.get(submitted_by_admin.get_absolute_url(), **EN).content.decode()
    assert MESSAGE in page
    assert reverse("milestones:report-approve", args=[submitted_by_admin.pk]) not in page
    assert reverse("milestones:report-return", args=[submitted_by_admin.pk]) in page


def test_a_posted_approval_by_the_submitter_is_refused_with_the_message(
    client, admin_user, submitted_by_admin
):
    client.force_login(admin_user)
    response = client.post(
        reverse("milestones:report-approve", args=[submitted_by_admin.pk]),
        {"version": submitted_by_admin.version, "comment": ""},
        follow=True,
        **EN,
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert QuarterlyReport.objects.get(pk=submitted_by_admin.pk).status == ReportStatus.SUBMITTED


def test_the_api_refuses_in_json_then_another_reviewer_approves(
    admin_user, reviewer, submitted_by_admin
):
    refused = token_client(admin_user).post(
        url("report-approve", submitted_by_admin.pk),
        {"version": submitted_by_admin.version},
        format="json",
    )
    assert refused.status_code == 403
    body = refused.json()
    assert (body["code"], body["detail"], body["errors"]) == ("own_submission", MESSAGE, {})
    assert body["current"]["status"] == "submitted"
    approved = token_client(reviewer).post(
        url("report-approve", submitted_by_admin.pk),
        {"version": submitted_by_admin.version},
        format="json",
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"


def test_the_submitter_may_still_return_it(admin_user, submitted_by_admin):
    returned = services.return_report(
        submitted_by_admin, admin_user, submitted_by_admin.version, "Sửa lại số trạm."
    )
    assert returned.status == ReportStatus.RETURNED


# Whoever changed the values under review cannot approve them either --------------

CHANGED_MESSAGE = (
    "You changed values of this report after it was last returned, so another reviewer or "
    "administrator must approve it. You can still return it for changes."
)


def _edit(client, user, scenario, **data):
    client.force_login(user)
    report = QuarterlyReport.objects.get(agreement=scenario.agreement, quarter=scenario.quarter)
    edit = reverse("milestones:report-edit", args=[scenario.agreement.pk, scenario.quarter])
    client.post(edit, report_form_data(scenario, version=report.version, **data))
    return QuarterlyReport.objects.get(pk=report.pk)


@pytest.fixture
def returned(client, staff_laocai, reviewer, laocai):
    """Lào Cai's report, submitted by its staff and returned by the reviewer."""
    client.force_login(staff_laocai)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.post(edit, report_form_data(laocai, submit="1"))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert report.status == ReportStatus.SUBMITTED
    return services.return_report(report, reviewer, report.version, "Kiểm tra lại số trạm.")


def test_an_admin_who_changed_a_value_cannot_approve_what_staff_then_submitted(
    client, admin_user, staff_laocai, reviewer, laocai, returned
):
    _edit(client, admin_user, laocai, **{"kpi-bts_total-value": "1150"})
    report = _edit(client, staff_laocai, laocai, **{"kpi-bts_total-value": "1150", "submit": "1"})
    assert (report.status, report.submitted_by) == (ReportStatus.SUBMITTED, staff_laocai)

    client.force_login(admin_user)
    page = client.get(report.get_absolute_url(), **EN).content.decode()
    assert CHANGED_MESSAGE in page
    assert reverse("milestones:report-approve", args=[report.pk]) not in page
    response = client.post(
        reverse("milestones:report-approve", args=[report.pk]),
        {"version": report.version, "comment": ""},
        follow=True,
        **EN,
    )
    assert CHANGED_MESSAGE in response.content.decode()
    assert QuarterlyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    refused = token_client(admin_user).post(
        url("report-approve", report.pk), {"version": report.version}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "own_submission")

    approved = services.approve_report(report, reviewer, report.version)
    assert approved.status == ReportStatus.APPROVED


def test_the_refusal_is_told_in_vietnamese_by_default(
    client, admin_user, staff_laocai, laocai, returned
):
    _edit(client, admin_user, laocai, **{"kpi-bts_total-value": "1150"})
    report = _edit(client, staff_laocai, laocai, **{"kpi-bts_total-value": "1150", "submit": "1"})
    client.force_login(admin_user)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Anh/chị đã sửa số liệu của báo cáo này" in page


def test_an_admin_who_only_looked_may_approve(client, admin_user, staff_laocai, laocai, returned):
    client.force_login(admin_user)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    assert client.get(edit).status_code == 200
    report = _edit(client, staff_laocai, laocai, **{"kpi-bts_total-value": "1150", "submit": "1"})
    approved = services.approve_report(report, admin_user, report.version)
    assert approved.status == ReportStatus.APPROVED


def test_a_change_before_the_last_return_does_not_count(
    client, admin_user, staff_laocai, reviewer, laocai, returned
):
    _edit(client, admin_user, laocai, **{"kpi-bts_total-value": "1150"})
    report = _edit(client, staff_laocai, laocai, **{"kpi-bts_total-value": "1150", "submit": "1"})
    report = services.return_report(report, reviewer, report.version, "Số 4G chưa đúng.")
    report = _edit(
        client,
        staff_laocai,
        laocai,
        **{"kpi-bts_total-value": "1150", "kpi-bts_4g-value": "420", "submit": "1"},
    )
    assert report.status == ReportStatus.SUBMITTED
    approved = services.approve_report(report, admin_user, report.version)
    assert approved.status == ReportStatus.APPROVED


# Nobody is asked to review what they may not approve ------------------------------


def _waiting_on_the_list(client, user):
    client.force_login(user)
    response = client.get(reverse("milestones:report-list"), **EN)
    return list(response.context["review_queue"]), response.content.decode()


def test_a_staff_reviewer_is_not_asked_to_review_their_own_submission(
    client, provinces, reviewer, laocai
):
    from provinces.access import Role

    from .factories import UserFactory

    both = UserFactory(
        username="s_na", roles=[Role.STAFF, Role.REVIEWER], provinces=[provinces.lao_cai]
    )
    client.force_login(both)
    edit = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    client.post(edit, report_form_data(laocai, submit="1"))
    report = QuarterlyReport.objects.get(agreement=laocai.agreement, quarter=laocai.quarter)
    assert (report.status, report.submitted_by) == (ReportStatus.SUBMITTED, both)

    waiting, page = _waiting_on_the_list(client, both)
    assert waiting == []
    assert "Waiting for your review" not in page
    assert reverse("milestones:report-detail", args=[report.pk]) in page, "still listed as theirs"

    waiting, page = _waiting_on_the_list(client, reviewer)
    assert waiting == [report]
    assert "Waiting for your review" in page


def test_an_admin_who_changed_a_value_is_not_asked_to_review_the_report(
    client, admin_user, staff_laocai, reviewer, laocai, returned
):
    _edit(client, admin_user, laocai, **{"kpi-bts_total-value": "1150"})
    report = _edit(client, staff_laocai, laocai, **{"kpi-bts_total-value": "1150", "submit": "1"})
    assert _waiting_on_the_list(client, admin_user)[0] == []
    assert _waiting_on_the_list(client, reviewer)[0] == [report]


def test_the_review_list_asks_as_many_queries_for_many_reports_as_for_one(reviewer, laocai):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from milestones import schedule

    from .factories import submitted_report

    def queries():
        with CaptureQueriesContext(connection) as captured:
            waiting = schedule.review_queue(reviewer)
        return len(waiting), len(captured)

    submitted_report(laocai, 20221)
    queries()  # what the user may review is read once, then kept on the user
    one = queries()
    for quarter in (20222, 20223, 20224, 20231):
        submitted_report(laocai, quarter)
    many = queries()
    # The four-eyes rule is asked of the whole list at once: a national reviewer's list at
    # the end of a quarter holds hundreds.
    assert (one[0], many[0]) == (1, 5)
    assert one[1] == many[1]
