"""A bounded hostile-input run: every API operation for each role (schemathesis), then every
field of the report form, the search boxes and the filters (a fuzzer of our own). Any 5xx
fails; the run is small enough to keep the suite fast, and random enough to vary between runs.
"""

import random
import re
import string

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token

from .conftest import report_form_data
from .test_api_permissions import complete_report

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 3


@pytest.fixture
def wsgi_requests():
    """Requests through the WSGI app inside the test's transaction, as Django's test client
    makes them: the connection is not closed between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(official, wsgi_requests, settings):
    import schemathesis

    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    from config.wsgi import application

    token = Token.objects.create(user=official)
    return schemathesis.openapi.from_wsgi(
        "/api/schema/", application, headers={"Authorization": f"Token {token.key}"}
    )


def _fuzz(operation, mode, user, headers: dict, failures: list) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    def call(case):
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(
                (
                    user.username,
                    case.method,
                    case.formatted_path,
                    case.query,
                    case.body,
                    response.status_code,
                    response.text[:200],
                )
            )

    try:
        call()
    except Unsatisfiable:
        # An operation without parameters or body has no invalid form to send.
        assert mode != mode.POSITIVE, operation.label


def test_no_api_operation_answers_a_server_error_for_any_role(
    api_schema, official, staff_laocai, reviewer, admin_user, laocai
):
    from schemathesis import GenerationMode

    for status, quarter in (("draft", 20214), ("submitted", 20221), ("approved", 20222)):
        complete_report(laocai, status, quarter=quarter)
    failures = []
    for user in (official, staff_laocai, reviewer, admin_user):
        token, _created = Token.objects.get_or_create(user=user)
        headers = {"Authorization": f"Token {token.key}"}
        for result in api_schema.get_all_operations():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz(result.ok(), mode, user, headers, failures)
    assert failures == []


# The report form, the search boxes and the filters, field by field ----------------------

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "²",
    "①",
    "1e999999",
    "NaN",
    "-0",
    "9" * 400,
    "1" * 17 + ".999",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "a" * 20_000,
    " ".join(["a"] * 1000),
    "31/02/2021",
    "0000-00-00",
    "2021Q9",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "🙂" * 50,
]


def hostile_values(rng: random.Random, count: int) -> list[str]:
    alphabet = string.printable + "đĐươ²①\u200b\u202e"
    made = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(count)]
    return [*HOSTILE_TEXT, *made]


def test_no_report_form_field_answers_a_server_error(client, staff_laocai, laocai):
    client.force_login(staff_laocai)
    path = reverse("milestones:report-edit", args=[laocai.agreement.pk, laocai.quarter])
    fields = list(report_form_data(laocai))
    rng = random.Random()
    for value in hostile_values(rng, 10):
        field = rng.choice(fields)
        data = report_form_data(laocai, **{field: value})
        data["version"] = data["version"] if field != "version" else value
        for action in ({}, {"submit": "1"}):
            response = client.post(path, {**data, **action})
            assert response.status_code < 500, (field, value[:80], response.status_code)
    for field in fields:
        response = client.post(path, report_form_data(laocai, **{field: rng.choice(HOSTILE_TEXT)}))
        assert response.status_code < 500, (field, response.status_code)


@pytest.mark.parametrize(
    "query",
    [
        {"phase": "\x00"},
        {"phase": "2021-2025\x00"},
        {"phase": "p" * 400},
        {"first": "\x00", "second": "2021–2025"},
    ],
)
def test_a_phase_no_phase_can_have_is_explained_not_a_server_error(client_official, query):
    """The form says what is wrong with the choice; the page's version never asks the
    database with it (PostgreSQL refuses a NUL in a parameter)."""
    page = "/compare/" if "first" in query else "/"
    response = client_official.get(page, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = re.findall(r'<ul class="errorlist">(.*?)</ul>', response.content.decode(), re.S)
    assert any(
        "Null characters are not allowed." in error or "Select a valid choice." in error
        for error in errors
    )


@pytest.mark.parametrize(
    "page",
    ["/", "/compare/", "/agreements/", "/provinces/", "/reports/", "/api/v1/agreements/"],
)
def test_no_query_string_answers_a_server_error(client, admin_user, provinces, page):
    client.force_login(admin_user)
    names = [
        "q",
        "page",
        "phase",
        "kind",
        "province",
        "signed_year",
        "status",
        "region",
        "quarter",
        "agreement",
        "kpi",
        "ordering",
        "export",
        "table",
        "view",
    ]
    rng = random.Random()
    for value in hostile_values(rng, 5):
        query = dict.fromkeys(rng.sample(names, 4), value)
        response = client.get(page, query)
        assert response.status_code < 500, (page, query, response.status_code)
