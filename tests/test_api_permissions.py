"""Role × API endpoint × own or other province → the answer, each through a real request.

The API answers as the pages do: another province's report is not found (404);
a report the user may see but not act on is forbidden (403); a request without
credentials is unauthorised (401).
"""

import pytest

from milestones.models import KpiValue, QuarterlyReport, ReportStatus

from .api import token_client, url
from .factories import KpiValueFactory, QuarterlyReportFactory

pytestmark = pytest.mark.django_db

OWN, OTHER = "own", "other"
QUARTER = 20214
FRESH_QUARTER = 20222
ACTIONS = (
    "list",
    "read_draft",
    "read_submitted",
    "read_approved",
    "open",
    "save",
    "submit",
    "approve",
    "return",
    "reopen",
)


def same(**answers) -> dict:
    """The same answers for the user's own provinces and for others."""
    return {OWN: answers, OTHER: answers}


MATRIX = {
    "anonymous": same(**dict.fromkeys(ACTIONS, 401)),
    "admin_user": same(
        list=200,
        read_draft=200,
        read_submitted=200,
        read_approved=200,
        open=201,
        save=200,
        submit=200,
        approve=200,
        **{"return": 200},
        reopen=200,
    ),
    "official": same(
        list=200,
        read_draft=404,
        read_submitted=404,
        read_approved=200,
        # Officials read every province's approved reports: theirs to see, not to fill in.
        open=403,
        save=404,
        submit=404,
        approve=404,
        **{"return": 404},
        reopen=403,
    ),
    "reviewer": same(
        list=200,
        read_draft=404,
        read_submitted=200,
        read_approved=200,
        open=403,
        save=404,
        submit=404,
        approve=200,
        **{"return": 200},
        reopen=403,
    ),
    "staff_laocai": {
        OWN: {
            "list": 200,
            "read_draft": 200,
            "read_submitted": 200,
            "read_approved": 200,
            "open": 201,
            "save": 200,
            "submit": 200,
            "approve": 403,
            "return": 403,
            "reopen": 403,
        },
        OTHER: dict.fromkeys(ACTIONS, 404) | {"list": 200},
    },
}
# Staff of Quảng Trị own the former Quảng Bình's reports, and not Lào Cai's.
MATRIX["staff_quangtri"] = {OWN: MATRIX["staff_laocai"][OWN], OTHER: MATRIX["staff_laocai"][OTHER]}
OWNED_BY = {"staff_laocai": "laocai", "staff_quangtri": "quangbinh"}

CASES = [
    (role, side, action, MATRIX[role][side][action])
    for role in MATRIX
    for side in (OWN, OTHER)
    for action in ACTIONS
]


def complete_report(scenario, status=ReportStatus.DRAFT, quarter=QUARTER):
    """A report whose values are complete and unremarkable, in the given state."""
    report = QuarterlyReportFactory(agreement=scenario.agreement, quarter=quarter, status=status)
    KpiValueFactory(report=report, kpi=scenario.bts_total, value=1100)
    KpiValueFactory(report=report, kpi=scenario.bts_4g, value=400)
    KpiValueFactory(
        report=report, kpi=scenario.villages_fibre, value=None, numerator=1100, denominator=1569
    )
    KpiValueFactory(report=report, kpi=scenario.level4, value=40)
    return report


def request(client, action, scenario):
    if action == "list":
        return client.get(url("report-list"))
    if action == "open":
        return client.post(
            url("report-list"),
            {"agreement": scenario.agreement.pk, "quarter": "2022Q2"},
            format="json",
        )
    status = {
        "read_draft": ReportStatus.DRAFT,
        "read_submitted": ReportStatus.SUBMITTED,
        "read_approved": ReportStatus.APPROVED,
        "save": ReportStatus.DRAFT,
        "submit": ReportStatus.DRAFT,
        "approve": ReportStatus.SUBMITTED,
        "return": ReportStatus.SUBMITTED,
        "reopen": ReportStatus.APPROVED,
    }[action]
    report = complete_report(scenario, status)
    if action.startswith("read_"):
        return client.get(url("report-detail", report.pk))
    if action == "save":
        body = {"version": report.version, "values": [{"kpi": "bts_total", "value": "1150"}]}
        return client.patch(url("report-detail", report.pk), body, format="json")
    body = {
        "submit": {"version": report.version},
        "approve": {"version": report.version},
        "return": {"version": report.version, "comment": "Thiếu số liệu trạm 4G."},
        "reopen": {"reason": "Sở báo cáo sai số trạm."},
    }[action]
    return client.post(url(f"report-{action}", report.pk), body, format="json")


@pytest.mark.parametrize(("role", "side", "action", "expected"), CASES)
def test_it_answers_each_role_as_the_matrix_says(
    request_fixture, role, side, action, expected, laocai, quangbinh
):
    user = None if role == "anonymous" else request_fixture(role)
    own = OWNED_BY.get(role, "laocai")
    scenario = {"laocai": laocai, "quangbinh": quangbinh}
    other = "quangbinh" if own == "laocai" else "laocai"
    target = scenario[own if side == OWN else other]
    response = request(token_client(user), action, target)
    assert response.status_code == expected, response.content.decode()[:500]


@pytest.fixture
def request_fixture(request):
    return request.getfixturevalue


def test_it_lists_only_the_reports_a_user_may_see(laocai, quangbinh, staff_laocai):
    own = complete_report(laocai)
    complete_report(quangbinh)
    results = token_client(staff_laocai).get(url("report-list")).json()["results"]
    ids = {item["id"] for item in results}
    assert own.pk in ids
    assert ids <= set(
        QuarterlyReport.objects.filter(agreement=laocai.agreement).values_list("pk", flat=True)
    )


def test_it_changes_nothing_when_it_refuses(laocai, quangbinh, staff_laocai):
    other = complete_report(quangbinh)
    client = token_client(staff_laocai)
    body = {"version": other.version, "values": [{"kpi": "bts_total", "value": "1"}]}
    assert client.patch(url("report-detail", other.pk), body, format="json").status_code == 404
    assert KpiValue.objects.get(report=other, kpi=quangbinh.bts_total).value == 1100


def test_it_tells_a_system_without_credentials_how_to_authenticate(laocai):
    response = token_client(None).get(url("report-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_it_refuses_a_browser_write_without_the_csrf_token(client, laocai, staff_laocai):
    from rest_framework.test import APIClient

    report = complete_report(laocai)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(staff_laocai)
    body = {"version": report.version, "values": [{"kpi": "bts_total", "value": "1150"}]}
    response = browser.patch(url("report-detail", report.pk), body, format="json")
    assert response.status_code == 403
    assert KpiValue.objects.get(report=report, kpi=laocai.bts_total).value == 1100


def test_it_lets_an_administrator_create_a_token_in_the_admin(client, admin_user, staff_laocai):
    from rest_framework.authtoken.models import Token

    client.force_login(admin_user)
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 200
    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": staff_laocai.pk})
    assert response.status_code == 302
    key = Token.objects.get(user=staff_laocai).key
    answer = token_client(None).get(url("report-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert answer.status_code == 200


@pytest.mark.parametrize("role", ["official", "reviewer"])
def test_opening_a_report_one_may_read_but_not_fill_in_is_forbidden(request_fixture, role, laocai):
    body = {"agreement": laocai.agreement.pk, "quarter": "2022Q2"}
    response = token_client(request_fixture(role)).post(url("report-list"), body, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "You do not enter progress for this agreement's province."
    assert not QuarterlyReport.objects.filter(quarter=FRESH_QUARTER).exists()


def test_opening_another_provinces_report_is_not_found_whatever_exists(
    laocai, quangbinh, staff_laocai
):
    complete_report(quangbinh, quarter=FRESH_QUARTER)
    body = {"agreement": quangbinh.agreement.pk, "quarter": "2022Q2"}
    response = token_client(staff_laocai).post(url("report-list"), body, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
