"""A form's address opened in the browser, not posted to: never a blank page.

Signing in interrupts a form sent from an ended session, and the login page sends
the browser back to the form's address with a GET; a reload or a bookmark does the
same. The user is told that nothing was done, where to do it again, in their language.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse

from milestones.models import QuarterlyReport, ReportStatus

from .api import EN, VI, token_client, url
from .test_import import csv_bytes, good_rows, token_of, upload

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # every user the factories make


def sign_in_after(client, user, address, data):
    """The decision posted from an ended session, then signing in on the login page,
    which sends the browser back to the decision's address."""
    sent = client.post(address, data)
    assert sent["Location"] == f"{reverse('login')}?next={quote(address, safe='/')}"
    signed_in = client.post(
        sent["Location"],
        {"username": user.username, "password": PASSWORD, "next": address},
    )
    assert signed_in["Location"] == address


@pytest.mark.parametrize(
    ("decision", "english", "vietnamese"),
    [
        (
            "approve",
            "Nothing was approved: the decision was interrupted (by signing in, for example) "
            "and any comment given with it was not kept. Check the report and press Approve "
            "again.",
            "Báo cáo chưa được phê duyệt",
        ),
        (
            "return",
            "Nothing was returned: the decision was interrupted (by signing in, for example) "
            "and the comment given with it was not kept. Check the report, write the comment "
            "again and press Return for changes.",
            "Báo cáo chưa được trả lại",
        ),
    ],
)
def test_a_decision_interrupted_by_signing_in_says_nothing_was_done(
    client, reviewer, submitted_laocai, decision, english, vietnamese
):
    address = reverse(f"milestones:report-{decision}", args=[submitted_laocai.pk])
    sign_in_after(
        client, reviewer, address, {"version": submitted_laocai.version, "comment": "Cần sửa."}
    )
    for language, message in ((EN, english), (VI, vietnamese)):
        response = client.get(address, follow=True, **language)
        assert response.redirect_chain == [(submitted_laocai.get_absolute_url(), 302)]
        assert message in response.content.decode()
    submitted_laocai.refresh_from_db()
    assert submitted_laocai.status == ReportStatus.SUBMITTED


def test_a_reopen_interrupted_by_signing_in_says_nothing_was_reopened(client, admin_user, laocai):
    report = laocai.previous_report
    address = reverse("milestones:report-reopen", args=[report.pk])
    sign_in_after(client, admin_user, address, {"reason": "Sửa số liệu."})
    english = client.get(address, follow=True, **EN)
    assert english.redirect_chain == [(report.get_absolute_url(), 302)]
    assert "Nothing was reopened" in english.content.decode()
    assert "give the reason again and press Reopen" in english.content.decode()
    assert "Quý chưa được mở lại" in client.get(address, follow=True, **VI).content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_a_refused_return_leaves_the_browser_on_the_report_page(client, reviewer, submitted_laocai):
    client.force_login(reviewer)
    response = client.post(
        reverse("milestones:report-return", args=[submitted_laocai.pk]),
        {"version": submitted_laocai.version, "comment": "  "},
        follow=True,
        **VI,
    )
    assert response.redirect_chain == [(submitted_laocai.get_absolute_url(), 302)]
    assert "Hãy nêu rõ nội dung cần chỉnh sửa trước khi trả lại báo cáo." in (
        response.content.decode()
    )
    reloaded = client.get(submitted_laocai.get_absolute_url(), **EN)
    assert reloaded.status_code == 200
    assert "Say what needs changing" not in reloaded.content.decode(), "told once"
    submitted_laocai.refresh_from_db()
    assert submitted_laocai.status == ReportStatus.SUBMITTED


def test_a_refused_return_shows_what_was_typed_on_the_report_page(
    client, reviewer, submitted_laocai
):
    client.force_login(reviewer)
    comment = "Bổ sung số liệu trạm BTS. " + "z" * 2000
    client.post(
        reverse("milestones:report-return", args=[submitted_laocai.pk]),
        {"version": submitted_laocai.version, "comment": comment},
        **EN,
    )
    page = client.get(submitted_laocai.get_absolute_url(), **EN).content.decode()
    assert "Comment can be at most 2,000 characters long" in page
    assert comment in page


@pytest.fixture
def previewed(client, staff_laocai, laocai, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_laocai)
    location = upload(client, csv_bytes(*good_rows()))["Location"]
    client.get(location, **EN)
    return location


def test_an_import_confirmation_opened_goes_back_to_its_preview(client, previewed):
    confirm = reverse("milestones:import-confirm", args=[token_of(previewed)])
    english = client.get(confirm, follow=True, **EN)
    assert english.redirect_chain == [(previewed, 302)]
    assert "Nothing was imported yet" in english.content.decode()
    assert "press Save these values as drafts again" in english.content.decode()
    vietnamese = client.get(confirm, follow=True, **VI)
    assert "Chưa có số liệu nào được nhập" in vietnamese.content.decode()
    assert not QuarterlyReport.objects.filter(quarter=20214).exists()
    assert client.post(confirm, **EN)["Location"] == reverse("milestones:report-list")


def test_an_import_confirmation_whose_upload_is_gone_goes_back_to_the_upload(
    client, previewed, staff_laocai
):
    confirm = reverse("milestones:import-confirm", args=[token_of(previewed)])
    # Signing in again after the session ended: the preview was kept in the old session.
    client.logout()
    client.force_login(staff_laocai)
    for language, message in (
        (EN, "the uploaded file is no longer kept. Upload it again."),
        (VI, "tệp đã tải lên không còn được lưu giữ"),
    ):
        response = client.get(confirm, follow=True, **language)
        assert response.redirect_chain == [(reverse("milestones:import"), 302)]
        assert message in response.content.decode()
    assert not QuarterlyReport.objects.filter(quarter=20214).exists()


def test_the_logout_address_opened_asks_with_a_button(client, official):
    client.force_login(official)
    for language, text in ((EN, "Press the button to sign out"), (VI, "bấm nút")):
        response = client.get(reverse("logout"), **language)
        assert response.status_code == 200
        page = response.content.decode()
        assert text in page
        # Besides the header's small link-like button, one in the page itself.
        form = page.split("<main>", 1)[1]
        assert f'<form method="post" action="{reverse("logout")}">' in form
    assert client.get(reverse("provinces:list")).status_code == 200, "still signed in"
    signed_out = client.post(reverse("logout"))
    assert signed_out["Location"] == reverse("login")
    assert client.get(reverse("provinces:list")).status_code == 302


def test_the_logout_address_opened_when_signed_out_goes_to_the_login_page(client, db):
    response = client.get(reverse("logout"), follow=True, **EN)
    assert response.redirect_chain == [(reverse("login"), 302)]
    assert "You are signed out." in response.content.decode()


def test_any_other_form_address_opened_shows_a_page_saying_nothing_was_done(
    client, staff_laocai, laocai
):
    client.force_login(staff_laocai)
    autosave = reverse("milestones:report-autosave", args=[laocai.agreement.pk, laocai.quarter])
    for language, text in (
        (EN, "This address only takes what a form sends"),
        (VI, "Địa chỉ này chỉ nhận dữ liệu"),
    ):
        response = client.get(autosave, **language)
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        page = response.content.decode()
        assert text in page
        assert 'class="topbar"' in page, "in the portal's look"
    assert not QuarterlyReport.objects.filter(
        agreement=laocai.agreement, quarter=laocai.quarter
    ).exists()


@pytest.mark.parametrize(
    ("language", "told"),
    [
        (EN, "This address does not take a GET request; it takes POST."),
        (VI, "Địa chỉ này không nhận yêu cầu GET; chỉ nhận yêu cầu POST."),
    ],
)
def test_a_script_opening_a_form_address_is_told_why_in_json(
    client, staff_laocai, laocai, language, told
):
    client.force_login(staff_laocai)
    autosave = reverse("milestones:report-autosave", args=[laocai.agreement.pk, laocai.quarter])
    for script in (
        {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_ACCEPT": "application/json"},
    ):
        response = client.get(autosave, **script, **language)
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        assert response.json() == {
            "detail": told,
            "code": "method_not_allowed",
            "errors": {},
            "warnings": {},
        }


@pytest.mark.parametrize(
    ("language", "told"),
    [
        (EN, "This address does not take a PUT request; it takes GET, POST, OPTIONS."),
        (VI, "Địa chỉ này không nhận yêu cầu PUT; chỉ nhận yêu cầu GET, POST, OPTIONS."),
    ],
)
def test_a_script_sending_a_method_a_view_does_not_take_is_told_why_in_json(
    client, staff_laocai, language, told
):
    # A class-based view's refusal (the sign-out page), and a function's (the health check).
    client.force_login(staff_laocai)
    json = {"HTTP_ACCEPT": "application/json", **language}

    response = client.put(reverse("logout"), **json)
    health = client.post(reverse("healthz"), **json)

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, OPTIONS"
    assert response.json()["detail"] == told
    assert response.json()["code"] == "method_not_allowed"
    assert health.status_code == 405
    assert health["Allow"] == "GET"
    assert health.json()["code"] == "method_not_allowed"
    assert client.get(reverse("provinces:list")).status_code == 200, "still signed in"


def test_the_api_keeps_answering_a_wrong_method_in_json(reviewer, submitted_laocai):
    response = token_client(reviewer).get(url("report-approve", submitted_laocai.pk))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
