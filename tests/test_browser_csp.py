"""The pages meet their Content-Security-Policy in Chromium: no script, style or image the
browser refuses, on the pages of every role; and a guessed password is stopped there too."""

import pytest
from playwright.sync_api import expect

from .browser import login
from .factories import QuarterlyReportFactory, UserFactory

PASSWORD = "mat-khau-rat-dai-2025"


def refusals(page) -> list[str]:
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


@pytest.mark.browser
def test_every_page_meets_the_content_security_policy(page, live_server, laocai):
    admin = UserFactory(username="quan_tri", password=PASSWORD, is_staff=True, is_superuser=True)
    report = QuarterlyReportFactory(agreement=laocai.agreement, quarter=20214)
    refused = refusals(page)
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    login(page, live_server, admin.username, PASSWORD)
    for path in (
        "/",
        "/compare/",
        "/agreements/",
        f"/agreements/{laocai.agreement.pk}/",
        "/provinces/",
        "/reports/",
        f"/reports/{laocai.agreement.pk}/20214/edit/",
        f"/reports/{report.pk}/",
        "/reports/import/",
        "/accounts/password/",
        "/admin/",
        "/admin/partnerships/agreement/",
        f"/admin/partnerships/agreement/{laocai.agreement.pk}/change/",
        f"/admin/partnerships/agreement/{laocai.agreement.pk}/history/",
        f"/admin/milestones/quarterlyreport/{report.pk}/history/",
        "/api/docs/",
    ):
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        page.wait_for_load_state("networkidle")
    assert refused == []


@pytest.mark.browser
def test_the_report_forms_script_runs_under_the_policy(page, live_server, staff_laocai, laocai):
    refused = refusals(page)
    login(page, live_server, "staff_laocai", "secret-pass-123")
    page.goto(f"{live_server.url}/reports/{laocai.agreement.pk}/20214/edit/")
    page.locator("input[name='kpi-bts_total-value']").fill("1100")
    # report-form.js keeps a draft while the user types: the script ran.
    expect(page.locator("#autosave-status")).not_to_be_empty()
    assert refused == []


@pytest.mark.browser
def test_guessing_a_password_in_the_browser_is_stopped(page, live_server, settings):
    UserFactory(username="can_bo_laocai", password=PASSWORD)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=username]").fill("can_bo_laocai")
        page.locator("input[name=password]").fill("doan-mo")
        page.locator("input[name=password]").press("Enter")
        page.wait_for_load_state()
    expect(page.locator("main .error")).to_contain_text("Too many failed sign-ins")
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill("can_bo_laocai")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("main .error")).to_contain_text("Too many failed sign-ins")
    expect(page.locator("header .who")).to_have_count(0)
