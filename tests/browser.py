"""Headless Chromium for the `browser` tests, driven by Playwright's sync API.

The browser is Debian's /usr/bin/chromium: Playwright's Python package ships
its own driver, and nothing downloads a browser (`make test` installs the
Debian package). The flags keep Chromium from reaching out to Google's
services, which this machine's closed network refuses, and let it run as root
in a container.

Use the `page` fixture of tests/conftest.py with pytest-django's `live_server`:

    @pytest.mark.browser
    def test_it_...(page, live_server):
        login(page, live_server, "staff_laocai", "secret-pass-123")
        page.goto(f"{live_server.url}/agreements/")
"""

import re

from playwright.sync_api import Browser, Page, Playwright, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Pages come from a server in the same process: anything slower than this is a failure, and
# failing fast beats Playwright's default of 30 seconds per step.
TIMEOUT_MS = 10_000
LOGIN_PATH = "/accounts/login/"


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def login(page: Page, live_server, username: str, password: str) -> Page:
    """Logs in through the real login form, as a person would, and waits until it is done."""
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.locator("input[name=username]").fill(username)
    password_field = page.locator("input[name=password]")
    password_field.fill(password)
    # Enter submits the login form itself; the header's language buttons are also submit buttons.
    password_field.press("Enter")
    expect(page, f"logging in as {username} failed").not_to_have_url(
        re.compile(re.escape(LOGIN_PATH))
    )
    return page
