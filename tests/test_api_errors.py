"""The API answers every error in JSON, in the shape of its refusals, never an HTML page."""

import pytest
from django.db import OperationalError

from core.api import exception_handler

from .api import token_client

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
