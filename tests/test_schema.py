"""The OpenAPI schema: valid by drf-spectacular's own check, and true to the running API.

Schemathesis generates requests from the schema (bounded in examples, no
shrinking) and sends them in-process to the WSGI application with an
administrator's token, so that every write path is reachable; no answer may be a
server error.
"""

import re

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from .api import token_client
from .test_api_permissions import complete_report

pytestmark = pytest.mark.django_db

# An address on another host, in an attribute or a script: src="https://…", url(//…).
EXTERNAL = re.compile(r"""(?:https?:)?//(?!testserver[/"'])[\w.-]+\.[a-z]{2,}""")


def test_it_generates_a_schema_without_errors_or_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/reports/{id}/submit/" in schema
    assert "tokenAuth" in schema


def test_it_renders_the_browsable_documentation(client, official):
    client.force_login(official)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert EXTERNAL.findall(page) == [], "the documentation serves its scripts itself"
    assert "<script>" not in page, "no inline script, as the Content-Security-Policy wants"
    setup = client.get("/api/docs/", {"script": ""})
    assert "/api/schema/" in setup.content.decode()
    assert EXTERNAL.findall(setup.content.decode()) == []


def test_it_offers_no_redoc_which_would_load_its_logo_from_a_cdn(client, official):
    client.force_login(official)
    response = client.get("/api/redoc/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_schema_types_a_signing_year_as_a_whole_number(official):
    schema = token_client(official).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = schema["paths"]["/api/v1/agreements/"]["get"]["parameters"]
    (year,) = [parameter for parameter in parameters if parameter["name"] == "signed_year"]
    assert year["schema"]["type"] == "integer"


def test_the_schema_and_documentation_are_for_signed_in_users(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 401
    assert schema.json()["code"] == "not_authenticated"


def test_it_serves_the_schema_to_systems(official):
    response = token_client(official).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "VNPT partnerships portal API"


@pytest.fixture
def in_process_app(settings):
    """The WSGI application, sharing the test's database transaction.

    Django's test client stops requests from closing the connection; a request
    sent straight to the WSGI handler needs the same care, or the first one
    would end the test's transaction.
    """
    from config.wsgi import application

    settings.ALLOWED_HOSTS = ["*"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(admin_user, laocai, quangbinh):
    """An administrator's token, with two agreements and a draft for the requests to find."""
    from rest_framework.authtoken.models import Token

    complete_report(laocai)
    return Token.objects.create(user=admin_user).key


def _generated_schema() -> dict:
    # The schema the running application serves, built in-process without a request:
    # schemathesis's fixture-based loader does not work with the pytest in use.
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_generated_schema())


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_it_never_answers_with_a_server_error(case, in_process_app, admin_token):
    response = case.call(app=in_process_app, headers={"Authorization": f"Token {admin_token}"})
    case.validate_response(response, checks=[not_a_server_error])
