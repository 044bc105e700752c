"""Idempotency keys: a retry returns the first result and creates or fires nothing new."""

from __future__ import annotations

import io

import sqlalchemy as sa

from app.api.models import IdempotencyRecord
from app.applications.models import Application, Decision, Document
from app.extensions import db
from tests.api.conftest import submit
from tests.support.programs import PDF


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _create_body(world, **answers) -> dict:
    return {"program_key": "sanitren", "organization_id": world.organization.id,
            "answers": {"similar_aid_this_year": False, **answers}}


def test_retried_create_returns_the_first_result_and_creates_nothing(client, world):
    headers = world.headers("applicant", **{"Idempotency-Key": "create-0001"})
    before = _count(Application)
    first = client.post("/api/v1/applications", json=_create_body(world), headers=headers)
    assert first.status_code == 201, first.data
    retry = client.post("/api/v1/applications", json=_create_body(world), headers=headers)
    assert retry.status_code == 201
    assert retry.json == first.json
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(Application) == before + 1
    assert _count(IdempotencyRecord, IdempotencyRecord.key == "create-0001") == 1


def test_same_key_with_a_different_body_is_422(client, world):
    headers = world.headers("applicant", **{"Idempotency-Key": "create-0002"})
    first = client.post("/api/v1/applications", json=_create_body(world), headers=headers)
    assert first.status_code == 201
    other = client.post("/api/v1/applications",
                        json=_create_body(world, sanitation_adequate=True), headers=headers)
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    assert other.json["code"] == "idempotency_key_reused"
    assert other.json["errors"][0]["field"] == "Idempotency-Key"


def test_without_a_key_each_post_creates(client, world):
    before = _count(Application)
    for _ in range(2):
        response = client.post("/api/v1/applications", json=_create_body(world),
                               headers=world.headers("applicant"))
        assert response.status_code == 201
    assert _count(Application) == before + 2


def test_keys_are_per_token(client, world):
    from tests.api.conftest import bearer, issue

    second_token = issue(world.users["applicant"], "applicant")
    key = {"Idempotency-Key": "shared-key"}
    one = client.post("/api/v1/applications", json=_create_body(world),
                      headers={**world.headers("applicant"), **key})
    two = client.post("/api/v1/applications", json=_create_body(world),
                      headers={**bearer(second_token), **key})
    assert one.status_code == two.status_code == 201
    assert one.json["id"] != two.json["id"]


def test_retried_transition_fires_once(client, world):
    application = submit(world)
    checklist = {k: True for k in ("nspp_valid", "salafi_confirmed", "legal_docs_valid",
                                   "land_status_clear", "bank_account_matches")}
    body = {"action": "verify", "fields": {"admin_checklist": checklist}}
    headers = world.headers("reviewer", **{"Idempotency-Key": "verify-1",
                                           "If-Match": f'"{application.version}"'})
    url = f"/api/v1/applications/{application.id}/transitions"
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 200, first.data
    retry = client.post(url, json=body, headers=headers)
    assert retry.status_code == 200 and retry.json == first.json
    assert _count(Decision, Decision.application_id == application.id,
                  Decision.action == "verify") == 1
    # without the key the same stale request is refused: someone (we) already acted
    stale = client.post(url, json=body, headers=world.headers(
        "reviewer", **{"If-Match": f'"{application.version}"'}))
    assert stale.status_code == 409 and stale.json["code"] == "already_handled"


def test_retried_multipart_upload_stores_one_version(client, world):
    url = f"/api/v1/applications/{world.draft.id}/documents"
    headers = world.headers("applicant", **{"Idempotency-Key": "upload-1"})
    responses = [
        client.post(url, data={"doc_type": "proposal", "file": (io.BytesIO(PDF), "p.pdf")},
                    headers=headers, content_type="multipart/form-data")
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json == responses[1].json
    versions = _count(Document, Document.application_id == world.draft.id,
                      Document.doc_type == "proposal")
    assert versions == 2  # the draft's original and exactly one upload


def test_malformed_key_is_400(client, world):
    response = client.post("/api/v1/applications", json=_create_body(world),
                           headers=world.headers("applicant", **{"Idempotency-Key": "a b"}))
    assert response.status_code == 400 and response.json["code"] == "bad_idempotency_key"
