"""The login page in a real browser: usable at 375 px, accessible, and login works."""

import pytest

from app.extensions import db
from tests.support.browser import (
    DESKTOP,
    PHONE,
    no_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
)
from tests.support.factories import PASSWORD, create_applicant

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_login_page_renders_and_logs_in(live_app, browser, viewport):
    with live_app.app_context():
        email = create_applicant(email="browser@contoh.id", name="Ibu Browser").email
        db.session.remove()
    page = browser.new_page(viewport=viewport)
    page.goto(live_app.config["LIVE_URL"] + "/masuk")
    assert no_horizontal_scroll(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, f"login-{viewport['width']}")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    assert "Ibu Browser" in page.content()
    page.close()
