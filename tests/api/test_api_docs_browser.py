"""The API documentation page in a real browser: readable at 375 px, accessible, no CDN."""

import pytest

from tests.support.browser import (
    DESKTOP,
    PHONE,
    no_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_docs_page(live_app, browser, viewport):
    page = browser.new_page(viewport=viewport)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_app.config["LIVE_URL"] + "/api/v1/docs")
    assert page.get_by_role("heading", name="Dokumentasi API SIBANTU").is_visible()
    assert no_horizontal_scroll(page)
    assert serious_accessibility_violations(page) == []
    assert all(url.startswith(live_app.config["LIVE_URL"]) for url in requested), requested
    screenshot(page, f"api-docs-{viewport['width']}")
    page.close()
