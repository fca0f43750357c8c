"""The API answers every error in JSON, in the shape of its refusals, never an HTML page."""

import re

import pytest
from django.db import OperationalError
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.exceptions import Throttled

from core.api import exception_handler
from milestones.models import QuarterlyReport

from .api import token_client, url
from .test_api_permissions import complete_report

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


def speaking(user, language):
    """A client sending `user`'s token in `language`, or with no Accept-Language at all."""
    client = token_client(user, language=language or "vi")
    if language is None:
        del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    return client


VIETNAMESE_OR_DEFAULT = pytest.mark.parametrize("language", ["vi", None], ids=["vi", "default"])


@VIETNAMESE_OR_DEFAULT
def test_a_wrong_token_is_refused_in_vietnamese(language):
    client = speaking(None, language)
    for header, message in (
        ("Token abc", "Invalid token."),
        ("Token", "Invalid token header. No credentials provided."),
        ("Token a b", "Invalid token header. Token string should not contain spaces."),
    ):
        response = client.get(url("kpi-list"), HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response.json()["detail"] == vietnamese(message)
        assert response.json()["detail"] != message


@VIETNAMESE_OR_DEFAULT
@pytest.mark.parametrize("page", ["0", "abc", "-1", "9999"])
def test_a_page_the_list_does_not_have_is_refused_in_vietnamese(official, language, page):
    response = speaking(official, language).get(url("province-list"), {"page": page})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"] == (
        "Danh sách không có trang này: số trang bắt đầu từ 1 và không vượt quá trang cuối."
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("vi", r"Đã gửi quá nhiều yêu cầu\. Vui lòng thử lại sau \d+ giây\."),
        (None, r"Đã gửi quá nhiều yêu cầu\. Vui lòng thử lại sau \d+ giây\."),
        ("en", r"Too many requests\. Try again in \d+ seconds\."),
    ],
)
def test_a_throttled_request_is_told_when_to_try_again_in_its_language(
    official, monkeypatch, language, message
):
    from core.throttling import UserThrottle

    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {"user": "1/minute"})
    client = speaking(official, language)
    assert client.get(url("kpi-list")).status_code == 200
    refused = client.get(url("kpi-list"))
    assert refused.status_code == 429
    assert re.fullmatch(message, refused.json()["detail"]), refused.json()["detail"]


def test_the_throttle_says_one_second_in_the_singular():
    with translation.override("en"):
        assert str(Throttled(wait=0.4).detail) == "Too many requests. Try again in 1 second."
    with translation.override("vi"):
        assert str(Throttled(wait=1).detail) == (
            "Đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau 1 giây."
        )


@VIETNAMESE_OR_DEFAULT
def test_a_format_the_api_cannot_answer_in_is_refused_in_vietnamese(official, language):
    response = speaking(official, language).get(url("kpi-list"), HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response.json()["detail"] == vietnamese("Could not satisfy the request Accept header.")
    assert "JSON" in response.json()["detail"]


@VIETNAMESE_OR_DEFAULT
def test_a_kpi_code_that_is_no_code_is_refused_in_vietnamese(staff_laocai, laocai, language):
    draft = complete_report(laocai)
    response = speaking(staff_laocai, language).patch(
        url("report-detail", draft.pk),
        {"version": draft.version, "values": [{"kpi": "bts total!", "value": 1}]},
        format="json",
    )
    assert response.status_code == 400
    # Whatever the key the refusal is filed under (the entry's, or the form field's).
    errors = str(response.json()["errors"])
    assert "Mã chỉ được gồm chữ cái không dấu, chữ số, dấu gạch dưới (_) và dấu gạch nối (-)." in (
        errors
    )
    assert "slug" not in errors


def test_every_drf_message_the_portal_words_again_has_vietnamese():
    for message in (
        "Invalid token.",
        "Invalid token header. No credentials provided.",
        "Invalid token header. Token string should not contain spaces.",
        "Invalid token header. Token string should not contain invalid characters.",
        "Invalid page.",
        "Could not satisfy the request Accept header.",
        'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
        "Surrogate characters are not allowed: U+{code_point:X}.",
        "Request was throttled.",
        "Expected available in {wait} second.",
        "Expected available in {wait} seconds.",
    ):
        assert vietnamese(message) != message, message


def test_an_address_without_its_final_slash_is_not_found_with_a_hint_not_a_form_error(
    staff_laocai, laocai
):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    # A system sends its token and no form token: the mistyped address is what is wrong.
    token, _created = Token.objects.get_or_create(user=staff_laocai)
    system = APIClient(enforce_csrf_checks=True)
    system.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"agreement": laocai.agreement.pk, "quarter": "2022Q2"}
    response = system.post("/api/v1/reports", body, format="json")
    assert response.status_code == 404
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"] == (
        "Không có dữ liệu tại địa chỉ này. "
        "Địa chỉ phải kết thúc bằng dấu gạch chéo: /api/v1/reports/"
    )
    english = system.post("/api/v1/reports", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == (
        "Nothing is found at this address. The address ends with a slash: /api/v1/reports/"
    )
    assert not QuarterlyReport.objects.filter(quarter=20222).exists()


def test_an_unknown_address_gets_no_slash_hint(official):
    response = token_client(official).post("/api/v1/no-such-records", {}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == "Nothing is found at this address."
