"""The API documentation renders in a real browser, from the portal's own scripts."""

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_it_renders_the_api_documentation_with_every_operation(page, live_server):
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
