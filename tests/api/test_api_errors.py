"""Every error under /api/ is an RFC 9457 problem document, never HTML."""

from __future__ import annotations

import pytest

from tests.api.conftest import submit

PROBLEM = "application/problem+json"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == PROBLEM
    assert b"<html" not in response.data.lower()
    body = response.json
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    return body


def test_unknown_path_is_404_problem_but_web_pages_keep_html(client, world):
    _problem(client.get("/api/v1/tidak-ada"), 404)
    _problem(client.get(f"/api/v1/applications/{2**63}", headers=world.headers("admin")), 404)
    page = client.get("/halaman-yang-tidak-ada")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_wrong_method_is_405_problem_with_allow(client, world):
    response = client.delete("/api/v1/programs")
    _problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_form_body_is_415(client, world):
    response = client.post("/api/v1/applications", data={"program_key": "sanitren"},
                           headers=world.headers("applicant"))
    assert _problem(response, 415)["code"] == "unsupported_media_type"


def test_malformed_json_is_400(client, world):
    response = client.post("/api/v1/applications", data="{not json",
                           content_type="application/json", headers=world.headers("applicant"))
    assert _problem(response, 400)["code"] == "malformed_json"


def test_validation_errors_name_each_field(client, world):
    response = client.post("/api/v1/applications", headers=world.headers("applicant"),
                           json={"program_key": "SANITREN!", "organization_id": 0, "x": 1})
    body = _problem(response, 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"body.program_key", "body.organization_id", "body.x"} <= fields
    assert all(e["message"] for e in body["errors"])


@pytest.mark.parametrize("text", ["nul\u0000byte", "lone \ud800 surrogate"])
def test_text_postgres_cannot_store_is_422_not_500(client, world, text):
    response = client.patch(f"/api/v1/applications/{world.draft.id}/answers",
                            headers=world.headers("applicant"),
                            data='{"answers": {"catatan": "' + text.encode(
                                "unicode_escape").decode().replace("\\x00", "\\u0000") + '"}}',
                            content_type="application/json")
    assert _problem(response, 422)["code"] == "validation_failed"


def test_non_finite_number_is_422(client, world):
    response = client.patch(f"/api/v1/applications/{world.draft.id}/answers",
                            data='{"answers": {"luas": NaN}}', content_type="application/json",
                            headers=world.headers("applicant"))
    _problem(response, 422)


def test_json_over_one_megabyte_is_413(client, world):
    big = '{"answers": {"catatan": "' + "a" * (1024 * 1024 + 10) + '"}}'
    response = client.patch(f"/api/v1/applications/{world.draft.id}/answers", data=big,
                            content_type="application/json", headers=world.headers("applicant"))
    assert _problem(response, 413)["code"] == "too_large"


def test_rate_limit_per_token_is_429(app, client, world):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.get("/api/v1/me", headers=world.headers("auditor")).status_code
                    for _ in range(4)]
        limited = client.get("/api/v1/me", headers=world.headers("auditor"))
        other_token = client.get("/api/v1/me", headers=world.headers("reviewer"))
    finally:
        app.config.pop("API_RATE_LIMIT")
    assert statuses == [200, 200, 200, 429]
    assert _problem(limited, 429)["code"] == "rate_limited"
    assert other_token.status_code == 200  # the limit is per token, not per address


def test_unexpected_error_is_500_problem_without_details(client, world, monkeypatch):
    from app.api import programs

    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(programs, "registry", broken)
    response = client.get("/api/v1/programs")
    body = _problem(response, 500)
    assert body["code"] == "internal_error" and b"secret internals" not in response.data


def test_stale_if_match_on_submit_is_409(client, world):
    response = client.post(f"/api/v1/applications/{world.draft.id}/submit",
                           headers=world.headers("applicant", **{"If-Match": '"99"'}))
    assert _problem(response, 409)["code"] == "already_handled"


def test_engine_refusals_keep_their_code(client, world):
    application = submit(world)
    url = f"/api/v1/applications/{application.id}/transitions"
    no_reason = client.post(url, json={"action": "reject"}, headers=world.headers("reviewer"))
    body = _problem(no_reason, 422)
    assert body["code"] == "reason_required" and body["errors"][0]["field"] == "reason"
    missing = client.post(url, json={"action": "verify"}, headers=world.headers("reviewer"))
    assert _problem(missing, 422)["code"] == "fields_missing"
    wrong_agency = client.post(url, json={"action": "verify"}, headers=world.headers("approver"))
    _problem(wrong_agency, 403)
