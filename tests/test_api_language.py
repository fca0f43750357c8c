"""The API speaks the language its request asks for in Accept-Language, whatever the cookie.

A browser that once chose English on the pages keeps sending the language cookie, to the
API too; a system that asks for Vietnamese gets Vietnamese messages and Vietnamese number
reading. The pages keep the user's choice: there, the cookie wins.
"""

from decimal import Decimal

import pytest
from django.conf import settings

from milestones.models import KpiValue

from .api import token_client, url
from .test_api_permissions import complete_report

pytestmark = pytest.mark.django_db

WRONG_TOKEN = {"HTTP_AUTHORIZATION": "Token abc"}
INVALID_TOKEN = {
    "vi": "Mã truy cập API không đúng hoặc đã bị thu hồi.",
    "en": "This API token is not valid: it is mistyped or has been revoked.",
}


def with_cookie(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize(("cookie", "asked"), [("en", "vi"), ("vi", "en")])
def test_accept_language_chooses_the_apis_language_over_the_cookie(cookie, asked):
    client = with_cookie(token_client(None, language=asked), cookie)
    response = client.get(url("kpi-list"), **WRONG_TOKEN)
    assert response.status_code == 401
    assert response.json()["detail"] == INVALID_TOKEN[asked]
    assert response["Content-Language"] == asked


@pytest.mark.parametrize("asked", ["fr", "*", ""])
def test_without_a_language_the_portal_speaks_the_api_keeps_the_cookies(asked):
    client = with_cookie(token_client(None, language=asked), "en")
    response = client.get(url("kpi-list"), **WRONG_TOKEN)
    assert response.json()["detail"] == INVALID_TOKEN["en"]


def test_a_regional_variant_is_the_language_it_belongs_to():
    client = with_cookie(token_client(None, language="fr;q=0.9, en-GB;q=0.8, vi;q=0.5"), "vi")
    response = client.get(url("kpi-list"), **WRONG_TOKEN)
    assert response.json()["detail"] == INVALID_TOKEN["en"]


def test_it_reads_numbers_the_way_the_asked_language_writes_them(staff_laocai, laocai):
    draft = complete_report(laocai)

    vietnamese = with_cookie(token_client(staff_laocai, language="vi"), "en")
    response = vietnamese.patch(
        url("report-detail", draft.pk),
        {"version": draft.version, "values": [{"kpi": "bts_total", "value": "1.150"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert KpiValue.objects.get(report=draft, kpi=laocai.bts_total).value == 1150

    english = with_cookie(token_client(staff_laocai, language="en"), "vi")
    response = english.patch(
        url("report-detail", draft.pk),
        {
            "version": response.json()["version"],
            "values": [{"kpi": "level4_services_pct", "value": "41.500"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert KpiValue.objects.get(report=draft, kpi=laocai.level4).value == Decimal("41.5")


def test_the_pages_keep_the_language_the_user_chose(client):
    with_cookie(client, "en")
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response["Content-Language"] == "en"
    assert 'lang="en"' in response.content.decode()
