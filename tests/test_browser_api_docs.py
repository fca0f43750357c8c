"""The API documentation renders in a real browser, from the portal's own scripts."""

import re

import pytest
from playwright.sync_api import expect

from .browser import login
from .factories import UserFactory


@pytest.mark.browser
def test_it_renders_the_api_documentation_with_every_operation(page, live_server):
    UserFactory(username="can_bo_laocai", password="mat-khau-rat-dai-2025")
    page.goto(f"{live_server.url}/api/docs/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/api/docs/"))
    login(page, live_server, "can_bo_laocai", "mat-khau-rat-dai-2025")
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("VNPT partnerships portal API")
    expect(page.get_by_text("/api/v1/reports/{id}/submit/")).to_be_visible()
    expect(page.get_by_text("/api/v1/agreements/", exact=True).first).to_be_visible()
    assert outside == [], "the documentation loads nothing from outside the portal"
