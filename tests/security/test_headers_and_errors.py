"""Security headers on every response (pages, downloads, the API, error pages), and error
pages that show no traceback.

GET routes are walked from ``app.url_map`` as an anonymous visitor and as a logged-in owner;
the error pages (400, 404, 405, 413, 500) are produced on purpose. The 500 comes from a route
that exists only on a test app built here, never in production code.
"""

from __future__ import annotations

import logging

import pytest
from flask import Blueprint

from tests.conftest import csrf_from, make_config
from tests.security.conftest import browser, logged_in
from tests.security.routes import fill, header_problems, methods, rules

SECRET_IN_EXCEPTION = "rahasia-3603011234567890"


def get_rules(app):
    return [r for r in rules(app) if "GET" in methods(r)]


def test_every_page_and_download_sends_the_security_headers(app, world):
    problems = []
    for name, client in (("anonymous", browser(app)),
                         ("owner", logged_in(app, world.users["owner"]))):
        for rule in get_rules(app):
            url = fill(rule, world.values["submitted"])
            response = client.get(url, buffered=True)
            assert response.status_code < 500, (url, response.status_code)
            problems += [f"{url} as {name} ({response.status_code}): {p}"
                         for p in header_problems(response, production=False)]
    assert problems == [], "\n".join(problems)


def test_error_pages_send_the_security_headers(app, client, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    token = csrf_from(client, "/masuk")
    responses = {
        400: client.post("/masuk", data={"email": "a@contoh.id"}),  # no CSRF token
        404: client.get("/tidak-ada-halaman-ini"),
        405: client.get("/keluar"),
        413: client.post("/masuk", data={"csrf_token": token, "x": "0" * 4096}),
    }
    for code, response in responses.items():
        assert response.status_code == code
        assert header_problems(response, production=False) == [], code
        assert "Traceback" not in response.get_data(as_text=True)


@pytest.fixture
def boom_app(database_url):
    """A test app (not the production code) with one route that fails."""
    from app import create_app

    test_app = create_app(make_config(database_url))
    test_only = Blueprint("test_only", __name__)

    @test_only.route("/_uji/gagal")
    def fail():
        raise RuntimeError(f"unexpected failure {SECRET_IN_EXCEPTION}")

    test_app.register_blueprint(test_only)
    return test_app


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_an_unexpected_error_shows_a_plain_page_without_traceback(boom_app, caplog, accept):
    caplog.set_level(logging.ERROR, logger="sibantu")
    response = boom_app.test_client().get("/_uji/gagal", headers={"Accept": accept})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and SECRET_IN_EXCEPTION not in body
    assert "RuntimeError" not in body and "File \"" not in body
    assert "Terjadi kesalahan" in body
    assert header_problems(response, production=False) == []
    assert "unhandled error" in caplog.text  # the traceback goes to the log, not to the user


def test_production_profile_sends_hsts_and_secure_cookies(production_app):
    client = production_app.test_client()
    response = client.get("/masuk", base_url="https://localhost")
    assert header_problems(response, production=True) == []
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    cookie = response.headers.get("Set-Cookie", "")
    assert "sibantu_session=" in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    error = client.get("/tidak-ada", base_url="https://localhost")
    assert error.status_code == 404 and "Strict-Transport-Security" in error.headers


def test_development_profile_has_no_hsts_but_httponly_samesite_cookies(app, client, db_session):
    response = client.get("/masuk")
    assert "Strict-Transport-Security" not in response.headers
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
