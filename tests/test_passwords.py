"""People change their own password in the portal, and reset it by e-mail where mail is sent."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from .api import EN
from .factories import UserFactory
from .test_notifications import described_by_missing

pytestmark = pytest.mark.django_db

OLD, NEW = "a-real-password-42", "Mật-khẩu-mới-2026!"


@pytest.fixture
def person(db):
    return UserFactory(username="official_hn", password=OLD, email="hn@example.vn")


def test_a_signed_in_user_changes_the_password_after_a_refusal(client, person):
    client.force_login(person)
    page = client.get("/", **EN).content.decode()
    assert f'href="{reverse("password_change")}"' in page
    refused = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
        **EN,
    )
    assert refused.status_code == 200
    assert "Your old password was entered incorrectly" in refused.content.decode()
    too_short = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": "abc", "new_password2": "abc"},
        **EN,
    )
    assert "This password is too short" in too_short.content.decode()
    # The rules and the refusal under the ids the new password's input names.
    page = too_short.content.decode()
    assert 'aria-describedby="id_new_password1_helptext"' in page
    assert 'aria-describedby="id_new_password2_helptext id_new_password2_error"' in page
    assert described_by_missing(page) == []
    assert "<li>Your password can’t be too similar" in page, "the rules are a list, not markup"
    changed = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
        **EN,
    )
    assert "Your password was changed." in changed.content.decode()
    assert get_user_model().objects.get(pk=person.pk).check_password(NEW)
    assert client.get("/", **EN).status_code == 200, "the session survives the change"


def test_the_change_page_is_in_vietnamese_by_default(client, person):
    client.force_login(person)
    page = client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu" in page


def test_without_mail_the_login_page_says_whom_to_ask(client, settings):
    settings.PASSWORD_RESET_BY_EMAIL = False
    page = client.get(reverse("login"), **EN).content.decode()
    assert "Ask an administrator of the portal to set a new one." in page
    assert client.get("/accounts/password/reset/", **EN).status_code == 404


def test_a_forgotten_password_is_reset_through_the_link_in_the_email(client, person, settings):
    settings.PASSWORD_RESET_BY_EMAIL = True
    login_page = client.get(reverse("login"), **EN).content.decode()
    assert f'href="{reverse("password_reset")}"' in login_page
    sent = client.post(reverse("password_reset"), {"email": "hn@example.vn"}, follow=True, **EN)
    assert "Check your e-mail" in sent.content.decode()
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True, **EN)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True, **EN
    )
    assert "Your new password is set." in done.content.decode()
    assert get_user_model().objects.get(pk=person.pk).check_password(NEW)
    used_again = client.get(link, follow=True, **EN)
    assert "This link has already been used or has expired." in used_again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, person, settings):
    settings.PASSWORD_RESET_BY_EMAIL = True
    sent = client.post(reverse("password_reset"), {"email": "nobody@example.vn"}, follow=True, **EN)
    assert "Check your e-mail" in sent.content.decode()
    assert mail.outbox == []


def test_a_password_too_short_is_refused_in_vietnamese(client, person):
    client.force_login(person)
    refused = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": "demo", "new_password2": "demo"},
    ).content.decode()
    assert "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 8 ký tự." in refused
    assert "too short" not in refused
