"""Uploads, complementing tests/portal/test_portal_security.py (portal form: forged types,
per-type size, a path in the name, the 413 page): a request over the size limit is refused with
413 on every state-changing route, the API refuses forged types and strips paths, and every
document download is an attachment that is never sniffed."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.api.tokens import issue_token
from app.applications.models import Document
from app.extensions import db
from tests.security.conftest import logged_in
from tests.security.routes import (
    STATE_CHANGING,
    fill,
    header_problems,
    methods,
    rules,
    send,
    state_changing_rules,
)
from tests.support.programs import PDF, PNG

INLINE_PREVIEWS = {"staff.document"}
INLINE_SAFE = {"application/pdf", "image/jpeg", "image/png"}


def test_a_request_over_the_limit_gets_413_on_every_state_changing_route(
        app, applicant_draft, monkeypatch):
    owner, draft = applicant_draft
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    client = logged_in(app, owner)
    body = {"file": (io.BytesIO(PDF + b"0" * 8192), "besar.pdf")}
    refused = {}
    walked = [r for r in rules(app) if STATE_CHANGING & set(methods(r))]  # the API included
    assert len(walked) > len(state_changing_rules(app))
    for rule in walked:
        url = fill(rule, {"application_id": draft.id})
        method = sorted(STATE_CHANGING & set(methods(rule)))[0]
        response = send(client, rule, url, method=method, data=dict(body),
                        content_type="multipart/form-data")
        body = {"file": (io.BytesIO(PDF + b"0" * 8192), "besar.pdf")}
        refused[(rule.endpoint, rule.rule)] = response.status_code  # one endpoint, two URLs
    # the API authenticates (401/403/404) before it reads a body; everything else reads it: 413
    api_refusals = {401, 403, 404, 413}
    assert {k: v for k, v in refused.items()
            if v != 413 and not (k[0].startswith("api.") and v in api_refusals)} == {}
    assert sum(1 for v in refused.values() if v == 413) >= len(state_changing_rules(app))


@pytest.fixture
def api_owner(app, applicant_draft):
    owner, draft = applicant_draft
    _, token = issue_token(owner, "applicant")
    db.session.commit()
    return draft, {"Authorization": f"Bearer {token}"}


def api_upload(app, draft, headers, filename, content):
    return app.test_client().post(
        f"/api/v1/applications/{draft.id}/documents", headers=headers,
        data={"doc_type": "proposal", "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data")


@pytest.mark.parametrize(("filename", "content"), [
    ("proposal.pdf", PNG), ("proposal.pdf", b"<html><script>alert(1)</script>"),
    ("proposal.pdf", b"MZ\x90\x00"), ("proposal.html", b"<html></html>"),
])
def test_api_refuses_forged_types(app, api_owner, filename, content):
    draft, headers = api_owner
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Document).where(
        Document.application_id == draft.id))
    response = api_upload(app, draft, headers, filename, content)
    assert response.status_code == 422
    after = db.session.scalar(sa.select(sa.func.count()).select_from(Document).where(
        Document.application_id == draft.id))
    assert after == before


def test_api_strips_paths_from_file_names(app, api_owner, tmp_path, monkeypatch):
    draft, headers = api_owner
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE", "folder")
    response = api_upload(app, draft, headers, "../../../../etc/cron.d/proposal.pdf", PDF)
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    doc = db.session.scalar(sa.select(Document).where(Document.application_id == draft.id)
                            .order_by(Document.id.desc()))
    assert "/" not in doc.filename and ".." not in doc.filename
    stored = [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]
    assert stored and all(tmp_path / "uploads" in p.parents for p in stored)


def test_every_document_download_is_an_attachment_never_sniffed(app, world):
    """Downloads are attachments. The staff preview (``staff.document``) may show a document
    inline, but only a type checked by content at upload, never sniffed, under a CSP that runs
    no script; with ``?unduh=1`` it is an attachment too."""
    downloads = [r for r in rules(app) if "document_id" in r.arguments and "GET" in r.methods]
    assert downloads, "no document download route found"
    for rule in downloads:
        user = world.users["owner" if rule.endpoint.startswith("applications.") else
                           "agency_staff"]
        client, url = logged_in(app, user), fill(rule, world.values["submitted"])
        response = send(client, rule, url, method="GET")
        assert response.status_code == 200, rule.endpoint
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Type"].split(";")[0] in INLINE_SAFE, rule.endpoint
        disposition = response.headers["Content-Disposition"]
        if rule.endpoint in INLINE_PREVIEWS:
            assert header_problems(response, production=False) == [], rule.endpoint
            download = send(client, rule, url + "?unduh=1", method="GET")
            disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment;"), rule.endpoint
