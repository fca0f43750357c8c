"""A form refused for its token (opened before signing in or out in another tab).

The user is told in their language, in the portal's look, that nothing was saved
and how to send the form again; a sign-in refused so from a browser that is
already signed in goes on; scripts get JSON.
"""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authentication import CSRFCheck

from milestones.models import ReportStatus

from .api import EN, VI

pytestmark = pytest.mark.django_db

STALE = "x" * 64


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def test_a_return_from_a_tab_older_than_a_sign_in_says_nothing_was_saved(
    browser, reviewer, submitted_laocai
):
    browser.force_login(reviewer)
    page = submitted_laocai.get_absolute_url()
    browser.get(page)
    for language, text in (
        (EN, "Nothing was saved: this page was opened before signing in or out in another tab."),
        (VI, "Chưa có dữ liệu nào được lưu"),
    ):
        response = browser.post(
            reverse("milestones:report-return", args=[submitted_laocai.pk]),
            {
                "csrfmiddlewaretoken": STALE,
                "version": submitted_laocai.version,
                "comment": "Cần sửa.",
            },
            HTTP_REFERER=f"http://testserver{page}",
            **language,
        )
        assert response.status_code == 403
        body = response.content.decode()
        assert text in body
        assert f'href="http://testserver{page}"' in body, "a way back to the report"
        assert 'class="topbar"' in body, "in the portal's look"
        assert "CSRF verification failed" not in body
    submitted_laocai.refresh_from_db()
    assert submitted_laocai.status == ReportStatus.SUBMITTED


def test_it_offers_the_dashboard_when_the_page_came_from_elsewhere(browser, official):
    browser.force_login(official)
    response = browser.post(
        reverse("logout"),
        {"csrfmiddlewaretoken": STALE},
        HTTP_REFERER="https://example.com/phishing/",
        **EN,
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "example.com" not in body
    assert "Back to the dashboard" in body


def test_a_second_sign_in_tab_takes_a_signed_in_user_on(browser, official):
    browser.get(reverse("login"))
    browser.force_login(official)
    response = browser.post(
        reverse("login"),
        {
            "csrfmiddlewaretoken": STALE,
            "username": official.username,
            "password": "whatever",
            "next": reverse("provinces:list"),
        },
        **VI,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("provinces:list")


def test_a_second_sign_in_tab_never_goes_to_another_site(browser, official):
    browser.force_login(official)
    response = browser.post(
        reverse("login"), {"csrfmiddlewaretoken": STALE, "next": "https://example.com/"}
    )
    assert response["Location"] == "/"


def test_a_stale_sign_in_when_signed_out_is_told_in_the_users_language(browser, db):
    login = reverse("login")
    browser.get(login)
    response = browser.post(
        login,
        {"csrfmiddlewaretoken": STALE, "username": "a", "password": "b"},
        HTTP_REFERER=f"http://testserver{login}",
        **VI,
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Chưa có dữ liệu nào được lưu" in body
    assert f'href="http://testserver{login}"' in body


def test_an_autosave_with_a_stale_token_is_answered_in_json(
    browser, staff_laocai, laocai, submitted_laocai
):
    browser.force_login(staff_laocai)
    autosave = reverse("milestones:report-autosave", args=[laocai.agreement.pk, laocai.quarter])
    response = browser.post(
        autosave,
        {"csrfmiddlewaretoken": STALE},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        **EN,
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert response.json()["detail"].startswith("Nothing was saved")


def test_a_write_to_an_unknown_api_address_is_not_found_not_refused_for_its_token(
    browser, official
):
    browser.force_login(official)
    response = browser.post("/api/v1/no-such-thing/", {}, **EN)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_api_write_from_a_signed_in_browser_with_a_stale_token_is_told_in_its_language(
    browser, reviewer, submitted_laocai
):
    browser.force_login(reviewer)
    approve = reverse("v1:report-approve", args=[submitted_laocai.pk])
    for language, text in (
        (EN, "Nothing was saved: this page was opened before signing in or out in another tab."),
        (VI, "Chưa có dữ liệu nào được lưu"),
    ):
        response = browser.post(
            approve,
            {"version": submitted_laocai.version},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=STALE,
            **language,
        )
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "csrf_failed"
        assert body["detail"].startswith(text)
        assert "CSRF" not in body["detail"]
    submitted_laocai.refresh_from_db()
    assert submitted_laocai.status == ReportStatus.SUBMITTED


@pytest.mark.parametrize(
    ("case", "reason"),
    [("missing", "CSRF token missing."), ("other_site", "Origin checking failed")],
)
def test_an_api_write_refused_for_a_missing_token_or_another_sites_origin_is_worded_too(
    browser, reviewer, submitted_laocai, settings, monkeypatch, case, reason
):
    # DRF's check returns Django's reason instead of logging it: listen to make sure each
    # case is refused for the reason it names.
    reasons = []
    refuse = CSRFCheck._reject
    monkeypatch.setattr(
        CSRFCheck,
        "_reject",
        lambda check, request, why: reasons.append(why) or refuse(check, request, why),
    )
    browser.force_login(reviewer)
    # A valid cookie, so that the refusal is for the token (or the origin), not the cookie.
    browser.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    extra = {"HTTP_ORIGIN": "https://phishing.example"} if case == "other_site" else {}
    approve = reverse("v1:report-approve", args=[submitted_laocai.pk])
    for language, text in (
        (EN, "Nothing was saved: this page was opened before signing in or out in another tab."),
        (VI, "Chưa có dữ liệu nào được lưu"),
    ):
        response = browser.post(
            approve,
            {"version": submitted_laocai.version},
            content_type="application/json",
            **extra,
            **language,
        )
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "csrf_failed"
        assert body["detail"].startswith(text)
        assert "CSRF" not in body["detail"]
    assert len(reasons) == 2
    assert all(why.startswith(reason) for why in reasons), reasons
    submitted_laocai.refresh_from_db()
    assert submitted_laocai.status == ReportStatus.SUBMITTED
