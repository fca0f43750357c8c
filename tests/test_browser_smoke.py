"""Chromium drives the portal served by a real HTTP server, as a person's browser would."""

import pytest
from playwright.sync_api import expect

from .browser import login
from .factories import UserFactory


@pytest.mark.browser
def test_it_serves_the_login_form_to_a_real_browser(page, live_server):
    response = page.goto(f"{live_server.url}/accounts/login/")

    assert response.status == 200
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()


@pytest.mark.browser
def test_it_logs_a_user_in_through_the_form_and_shows_their_name_in_the_header(page, live_server):
    UserFactory(username="can_bo_laocai", password="mat-khau-rat-dai-2025")

    login(page, live_server, "can_bo_laocai", "mat-khau-rat-dai-2025")

    expect(page.locator("header .who")).to_have_text("can_bo_laocai")


@pytest.mark.browser
def test_it_keeps_a_user_with_a_wrong_password_on_the_login_form(page, live_server):
    UserFactory(username="can_bo_laocai", password="mat-khau-rat-dai-2025")

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill("can_bo_laocai")
    page.locator("input[name=password]").fill("sai-mat-khau")
    page.locator("input[name=password]").press("Enter")

    expect(page.locator("main .error")).to_be_visible()
    expect(page.locator("header .who")).to_have_count(0)
