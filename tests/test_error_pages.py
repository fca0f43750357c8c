"""An unexpected error or a database away is answered as a page to a browser and in the
API's JSON shape to the API and to scripts, as a refused form token and a form-only
address opened are (tests/test_csrf_failure.py, tests/test_interrupted_forms.py)."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from milestones import services

from .api import EN
from .conftest import report_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def save_meeting(client, staff_laocai, laocai, monkeypatch):
    """Staff of Lào Cai saving the report (`view`: by hand or by autosave), the save
    meeting `error`."""

    def send(error, view, **headers):
        def fail(*args, **kwargs):
            raise error

        monkeypatch.setattr(services, "save_draft", fail)
        client.raise_request_exception = False
        client.force_login(staff_laocai)
        address = reverse(f"milestones:{view}", args=[laocai.agreement.pk, laocai.quarter])
        return client.post(address, report_form_data(laocai), **headers, **EN)

    return send


AWAY = OperationalError("server closed the connection unexpectedly")


def test_a_save_while_the_database_is_away_shows_the_page_to_try_again(save_meeting):
    response = save_meeting(AWAY, "report-edit")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Please try again in a minute." in response.content.decode()


def test_the_autosave_while_the_database_is_away_is_answered_in_json(save_meeting):
    response = save_meeting(AWAY, "report-autosave", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "unavailable"


def test_a_client_that_takes_no_html_is_answered_in_json(save_meeting):
    response = save_meeting(
        KeyError("secret internal detail"), "report-edit", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "secret internal detail" not in response.content.decode()
