"""Guessing passwords is stopped: sign-ins lock per account and per address (for the accounts
tried from it, so one person mistyping locks no colleague out), and the lock expires; the API
counts requests per address and per user."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from core.formatting import datetime_label

from .api import EN, token_client, url
from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-real-password-42"
LOCKED = "Too many failed sign-ins for this account or from this address."


@pytest.fixture
def person(db):
    return UserFactory(username="official_hn", password=PASSWORD, is_staff=True)


def sign_in(client, path, username, password, address="10.0.0.1"):
    return client.post(
        path, {"username": username, "password": password}, REMOTE_ADDR=address, **EN
    )


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"], ids=["portal", "admin"])
def test_an_account_locks_after_the_failure_limit_and_unlocks_when_the_lock_expires(
    client, person, settings, path
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        refused = sign_in(client, path, "official_hn", "guess")
        assert refused.status_code == 200
    locked = sign_in(client, path, "official_hn", "guess")
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert locked["Retry-After"] == str(15 * 60)
    # Locked, even the right password is refused, from any address.
    again = sign_in(client, path, "official_hn", PASSWORD, address="10.9.9.9")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1)
    with time_machine.travel(later):
        signed_in = sign_in(client, path, "official_hn", PASSWORD)
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_the_lock_message_says_until_when(client, person, settings):
    with time_machine.travel(timezone.now(), tick=False):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            response = sign_in(client, "/accounts/login/", "official_hn", "guess")
        until = datetime_label(timezone.now() + settings.AXES_COOLOFF_TIME)
    assert f"Try again after {until}, or ask an administrator" in response.content.decode()


def test_an_address_trying_many_accounts_is_locked_too(client, person, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "/accounts/login/", f"someone{number}", "guess")
    assert response.status_code == 429
    # The account itself was not guessed at: from another address it signs in.
    assert (
        sign_in(client, "/accounts/login/", "official_hn", PASSWORD, "10.0.0.2").status_code == 302
    )


def test_one_person_mistyping_behind_an_offices_address_locks_no_colleague_out(
    client, person, settings
):
    colleague = UserFactory(username="colleague_hn", password=PASSWORD)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "/accounts/login/", "official_hn", "guess")
    assert response.status_code == 429
    signed_in = sign_in(client, "/accounts/login/", "colleague_hn", PASSWORD)
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)
    client.logout()
    # The mistyped account itself stays locked, from the office as from anywhere.
    assert sign_in(client, "/accounts/login/", "official_hn", PASSWORD).status_code == 429
    assert (
        sign_in(client, "/accounts/login/", "official_hn", PASSWORD, "10.9.9.9").status_code == 429
    )


def test_a_colleagues_sign_in_does_not_forget_the_accounts_tried_from_the_address(
    client, person, settings
):
    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "/accounts/login/", f"someone{number}", "guess")
    assert sign_in(client, "/accounts/login/", "official_hn", PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "/accounts/login/", "someone_else", "guess").status_code == 429


def test_a_success_before_the_limit_forgets_the_failures(client, person, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "/accounts/login/", "official_hn", "guess")
    assert sign_in(client, "/accounts/login/", "official_hn", PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "/accounts/login/", "official_hn", "guess").status_code == 200


def test_behind_a_proxy_the_address_is_the_one_nginx_saw(client, person, settings):
    settings.BEHIND_PROXY = True
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": f"someone{number}", "password": "guess"},
            REMOTE_ADDR="127.0.0.1",
            # The first address is whatever the client claimed; nginx appended the last.
            HTTP_X_FORWARDED_FOR=f"1.2.3.{number}, 203.0.113.7",
        )
    other_browser = client.post(
        "/accounts/login/",
        {"username": "official_hn", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert other_browser.status_code == 302, "nginx's own address is not what is locked"


def test_the_api_stops_answering_an_address_that_keeps_sending_wrong_tokens(official):
    client = APIClient()
    wrong = {"HTTP_AUTHORIZATION": "Token " + "0" * 40, "REMOTE_ADDR": "10.0.0.5"}
    statuses = [client.get(url("province-list"), **wrong).status_code for _ in range(21)]
    assert statuses == [401] * 20 + [429]
    refused = client.get(url("province-list"), **wrong)
    body = refused.json()
    assert (body["code"], body["errors"]) == ("throttled", {})
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another address, and the right token from anywhere, are still answered.
    assert (
        client.get(url("province-list"), **{**wrong, "REMOTE_ADDR": "10.0.0.6"}).status_code == 401
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert client.get(url("province-list"), **wrong).status_code == 401


def test_the_api_counts_each_users_requests(official, monkeypatch):
    from core.throttling import UserThrottle

    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {"user": "5/minute"})
    client = token_client(official)
    assert [client.get(url("kpi-list")).status_code for _ in range(5)] == [200] * 5
    assert client.get(url("kpi-list")).status_code == 429
    assert token_client(UserFactory()).get(url("kpi-list")).status_code == 200


def test_a_deactivated_account_is_told_so_but_only_with_its_password(client, person):
    person.is_active = False
    person.save()
    refused = sign_in(client, "/accounts/login/", "official_hn", PASSWORD)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "This account has been deactivated. Ask an administrator" in page
    assert "_auth_user_id" not in client.session
    # A wrong password learns nothing of the account.
    guessed = sign_in(client, "/accounts/login/", "official_hn", "guess").content.decode()
    assert "deactivated" not in guessed
    assert "Your username and password did not match" in guessed
    vietnamese = client.post(
        "/accounts/login/", {"username": "official_hn", "password": PASSWORD}
    ).content.decode()
    assert "Tài khoản này đã bị vô hiệu hóa" in vietnamese


def test_a_deactivated_accounts_password_typed_again_and_again_locks_nothing(
    client, person, settings
):
    person.is_active = False
    person.save()
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        refused = sign_in(client, "/accounts/login/", "official_hn", PASSWORD)
        assert refused.status_code == 200
        assert "This account has been deactivated" in refused.content.decode()
    person.is_active = True
    person.save()
    assert sign_in(client, "/accounts/login/", "official_hn", PASSWORD).status_code == 302


def test_guesses_at_a_deactivated_account_still_lock_it(client, person, settings):
    person.is_active = False
    person.save()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "/accounts/login/", "official_hn", "guess")
    assert response.status_code == 429
