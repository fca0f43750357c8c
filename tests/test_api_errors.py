"""The API answers every error in JSON, in the shape of its refusals, never an HTML page."""

import pytest
from django.db import OperationalError
from django.utils import translation
from django.utils.translation import gettext

from core.api import exception_handler
from milestones.models import QuarterlyReport

from .api import token_client, url

pytestmark = pytest.mark.django_db

SHAPE = {"detail", "code", "errors", "warnings"}


def test_an_unknown_address_under_the_api_is_a_json_404(official):
    response = token_client(official).get("/api/v1/no-such-records/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == "not_found"


def test_a_request_without_credentials_is_a_json_401_saying_how_to_authenticate():
    response = token_client(None).get("/api/v1/reports/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert set(response.json()) == SHAPE
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_database_that_cannot_be_reached_is_a_503_to_retry():
    response = exception_handler(OperationalError("server closed the connection"), {})
    assert response.status_code == 503
    assert response.data["code"] == "unavailable"
    assert set(response.data) == SHAPE
    assert response["Retry-After"] == "30"


def test_an_unexpected_error_is_a_500_whose_cause_is_logged_not_shown(caplog):
    response = exception_handler(KeyError("secret internal detail"), {})
    assert response.status_code == 500
    assert response.data["code"] == "server_error"
    assert "secret internal detail" not in str(response.data)
    assert "API request failed" in caplog.text


def vietnamese(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/kpis/xyz/",
        "/api/v1/agreements/999999/",
        "/api/v1/progress/provinces/999999/",
        "/api/v1/values/abc/",
        "/api/v1/no-such-records/",
    ],
)
def test_every_404_says_not_found_in_the_clients_language(official, address):
    response = token_client(official, language="vi").get(address)
    assert response.status_code == 404
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == "not_found"
    # The same sentence everywhere, never "No Kpi matches the given query."
    assert body["detail"] == vietnamese("Nothing is found at this address.")
    assert body["detail"] != "Nothing is found at this address."


def test_a_field_refused_by_the_api_comes_in_the_refusals_shape_and_language(staff_laocai, laocai):
    api = token_client(staff_laocai, language="vi")
    unknown = api.post(
        url("report-list"), {"agreement": 999999, "quarter": "2021Q4"}, format="json"
    )
    assert unknown.status_code == 400
    body = unknown.json()
    assert set(body) == SHAPE
    assert body["code"] == "invalid"
    assert body["detail"] == vietnamese("Some values need correcting; see the marked fields.")
    assert body["errors"]["agreement"] == [
        vietnamese('Invalid pk "{pk_value}" - object does not exist.').format(pk_value=999999)
    ]
    assert "Invalid pk" not in str(body)

    too_early = api.post(
        url("report-list"), {"agreement": laocai.agreement.pk, "quarter": "2021Q1"}, format="json"
    )
    assert too_early.status_code == 400
    assert set(too_early.json()) == SHAPE
    assert "quarter" in too_early.json()["errors"]
    assert not QuarterlyReport.objects.filter(agreement=laocai.agreement, quarter=20211).exists()


def test_drf_messages_an_api_client_meets_are_in_vietnamese():
    for message in (
        'Invalid pk "{pk_value}" - object does not exist.',
        "Incorrect type. Expected pk value, received {data_type}.",
        "A valid integer is required.",
        "This field may not be null.",
        "Authentication credentials were not provided.",
    ):
        assert vietnamese(message) != message, message
