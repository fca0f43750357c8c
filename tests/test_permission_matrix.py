"""Role × page or action × own or other province → the answer, each through a real request.

Another province's report answers 404 so that its existence does not leak; a report
the user may see but not act on answers 403.
"""

import pytest
from django.urls import reverse

from tests.factories import QuarterlyReportFactory, submitted_report

from .conftest import report_form_data

pytestmark = pytest.mark.django_db

OWN, OTHER = "own", "other"
FRESH_QUARTER = 20222


def both(actions: dict) -> dict:
    """The same answers for the user's own provinces and for others."""
    return {OWN: dict(actions), OTHER: dict(actions)}


# Expected status for each role, per action, for Lào Cai's (own) and Quảng Bình's (other) reports.
MATRIX = {
    "staff_laocai": {
        OWN: {
            "list": 200,
            "edit_get": 200,
            "edit_post": 302,
            "view_draft": 200,
            "view_submitted": 200,
            "view_approved": 200,
            "approve": 403,
            "return": 403,
            "reopen": 403,
        },
        OTHER: {
            "list": 200,
            "edit_get": 404,
            "edit_post": 404,
            "view_draft": 404,
            "view_submitted": 404,
            "view_approved": 404,
            "approve": 404,
            "return": 404,
            "reopen": 404,
        },
    },
    "reviewer": both(
        {
            "list": 200,
            "edit_get": 404,
            "edit_post": 404,
            "view_draft": 404,
            "view_submitted": 200,
            "view_approved": 200,
            "approve": 302,
            "return": 302,
            "reopen": 403,
        },
    ),
    "official": both(
        {
            "list": 200,
            "edit_get": 404,
            "edit_post": 404,
            "view_draft": 404,
            "view_submitted": 404,
            "view_approved": 200,
            "approve": 404,
            "return": 404,
            "reopen": 403,
        },
    ),
    "admin": both(
        {
            "list": 200,
            "edit_get": 200,
            "edit_post": 302,
            "view_draft": 200,
            "view_submitted": 200,
            "view_approved": 200,
            "approve": 302,
            "return": 302,
            "reopen": 302,
        },
    ),
    "anonymous": both(
        {
            "list": 302,
            "edit_get": 302,
            "edit_post": 302,
            "view_draft": 302,
            "view_submitted": 302,
            "view_approved": 302,
            "approve": 302,
            "return": 302,
            "reopen": 302,
        },
    ),
}

ROWS = [
    (role, side, action, expected)
    for role, sides in MATRIX.items()
    for side, actions in sides.items()
    for action, expected in actions.items()
]


def request(client, action, scenario, reports):
    edit = reverse("milestones:report-edit", args=[scenario.agreement.pk, FRESH_QUARTER])
    detail = {
        name: reverse("milestones:report-detail", args=[report.pk])
        for name, report in reports.items()
    }
    submitted = reports["submitted"]
    if action == "list":
        return client.get(reverse("milestones:report-list"))
    if action == "edit_get":
        return client.get(edit)
    if action == "edit_post":
        return client.post(edit, report_form_data(scenario))
    if action.startswith("view_"):
        return client.get(detail[action.removeprefix("view_")])
    if action in ("approve", "return"):
        return client.post(
            reverse(f"milestones:report-{action}", args=[submitted.pk]),
            {"version": submitted.version, "comment": "Cần bổ sung minh chứng."},
        )
    if action == "reopen":
        return client.post(
            reverse("milestones:report-reopen", args=[reports["approved"].pk]),
            {"reason": "Điều chỉnh theo kiểm toán."},
        )
    raise AssertionError(action)


@pytest.mark.parametrize(("role", "side", "action", "expected"), ROWS)
def test_it_answers_each_role_as_the_matrix_says(
    client, request_user, laocai, quangbinh, role, side, action, expected
):
    scenario = laocai if side == OWN else quangbinh
    reports = {
        "draft": QuarterlyReportFactory(agreement=scenario.agreement, quarter=20214),
        "submitted": submitted_report(scenario, 20221),
        "approved": scenario.previous_report,
    }
    user = request_user(role)
    if user is not None:
        client.force_login(user)
    response = request(client, action, scenario, reports)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.fixture
def request_user(staff_laocai, reviewer, official, admin_user):
    users = {
        "staff_laocai": staff_laocai,
        "reviewer": reviewer,
        "official": official,
        "admin": admin_user,
        "anonymous": None,
    }
    return users.__getitem__
