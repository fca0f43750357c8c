"""Four eyes: whoever submitted a report cannot approve it, on the page or through the API."""

import pytest
from django.urls import reverse

from milestones import services
from milestones.models import QuarterlyReport, ReportStatus

from .api import EN, token_client, url
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
