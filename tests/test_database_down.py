"""PostgreSQL unreachable: a 503 page (or problem document) and a logged request id, never a
stack trace. The app points at a port where no PostgreSQL listens (the machine's server is
never stopped); the rate limiter stays on its usual storage."""

from __future__ import annotations

import logging

import pytest

from app import create_app
from tests.conftest import make_config, post_form
from tests.support.services import free_port


@pytest.fixture
def down_client():
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/sibantu_nowhere"
    app = create_app(make_config(url, SQLALCHEMY_ENGINE_OPTIONS={
        "pool_pre_ping": True, "connect_args": {"connect_timeout": 2}}))
    return app.test_client()


def test_login_answers_503_with_a_page_not_a_trace(down_client):
    response = post_form(down_client, "/masuk", {"email": "a@contoh.id", "password": "x" * 12})
    text = response.get_data(as_text=True)
    assert response.status_code == 503, (response.status_code, text[:300])
    assert int(response.headers["Retry-After"]) > 0
    assert "Layanan sedang tidak tersedia" in text and "Traceback" not in text


def test_api_answers_503_problem_and_logs_the_request_id(down_client, caplog):
    caplog.set_level(logging.ERROR, logger="sibantu.api")
    response = down_client.get("/api/v1/me", headers={
        "Authorization": "Bearer sbt_not_checked", "X-Request-ID": "abc123DEF"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "service_unavailable"
    assert response.headers["X-Request-ID"] == "abc123DEF"
    lines = [r.getMessage() for r in caplog.records if r.name == "sibantu.api"]
    assert lines and all("(request abc123DEF)" in line for line in lines), lines


def test_healthz_says_the_database_is_down(down_client):
    response = down_client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "down" and response.json["database"] == "unreachable"
