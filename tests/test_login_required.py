"""Anonymous visitors are sent to the login page from every province and agreement page."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from .factories import AgreementFactory


@pytest.fixture
def pages(provinces):
    agreement = AgreementFactory(counterparty__province=provinces.former_lao_cai)
    return [
        reverse("provinces:list"),
        reverse("provinces:list") + "?q=lao+cai&status=current",
        provinces.lao_cai.get_absolute_url(),
        provinces.former_quang_binh.get_absolute_url(),
        reverse("partnerships:agreement-list"),
        reverse("partnerships:agreement-list") + "?province=" + provinces.lao_cai.slug,
        agreement.get_absolute_url(),
    ]


def test_it_sends_anonymous_visitors_to_the_login_page(client, pages):
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == f"/accounts/login/?next={quote(page, safe='/')}", page


def test_it_sends_anonymous_visitors_to_the_admin_login(client, db):
    response = client.get(reverse("admin:partnerships_agreement_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_lets_a_signed_in_user_through(client, official, pages):
    client.force_login(official)
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_it_keeps_the_admin_from_users_without_staff_status(client, official):
    client.force_login(official)
    response = client.get(reverse("admin:partnerships_agreement_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
