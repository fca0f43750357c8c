"""A reviewer's decision interrupted by signing in or out, in a real Chromium: the
reviewer is told that nothing was done and finds the way back, never a blank page."""

import re

import pytest
from playwright.sync_api import expect

from milestones.models import ReportStatus

from .browser import login

PASSWORD = "secret-pass-123"


def sign_out_in_another_tab(page, live_server):
    other_tab = page.context.new_page()
    other_tab.goto(f"{live_server.url}/reports/")
    other_tab.get_by_role("button", name="Log out").click()
    expect(other_tab).to_have_url(re.compile("/accounts/login/"))
    return other_tab


@pytest.mark.browser
def test_an_approval_interrupted_by_signing_in_is_told_as_not_done(
    page, live_server, reviewer, submitted_laocai
):
    login(page, live_server, "reviewer", PASSWORD)
    report_url = f"{live_server.url}{submitted_laocai.get_absolute_url()}"
    page.goto(report_url)
    sign_out_in_another_tab(page, live_server).close()

    page.get_by_role("button", name="Approve").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.locator("input[name=username]").fill("reviewer")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")

    expect(page).to_have_url(report_url)
    expect(page.locator("main")).to_contain_text("Nothing was approved")
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    submitted_laocai.refresh_from_db()
    assert submitted_laocai.status == ReportStatus.SUBMITTED


@pytest.mark.browser
def test_a_return_from_a_tab_older_than_a_new_sign_in_leads_back_to_the_report(
    page, live_server, reviewer, submitted_laocai
):
    login(page, live_server, "reviewer", PASSWORD)
    report_url = f"{live_server.url}{submitted_laocai.get_absolute_url()}"
    page.goto(report_url)
    other_tab = sign_out_in_another_tab(page, live_server)
    login(other_tab, live_server, "reviewer", PASSWORD)
    other_tab.close()

    page.fill("textarea[name='comment']", "Cần bổ sung số liệu.")
    page.get_by_role("button", name="Return for changes").click()
    expect(page.locator("h1")).to_have_text("Nothing was saved")
    expect(page.locator("main")).to_contain_text("opened before signing in or out")
    page.get_by_role("link", name="Back to the page you came from").click()
    expect(page).to_have_url(report_url)

    page.fill("textarea[name='comment']", "Cần bổ sung số liệu.")
    page.get_by_role("button", name="Return for changes").click()
    expect(page.locator("main")).to_contain_text("The report was returned to its authors.")
    submitted_laocai.refresh_from_db()
    assert submitted_laocai.status == ReportStatus.RETURNED
