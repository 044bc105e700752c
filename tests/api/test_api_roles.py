"""Every endpoint × every role → the expected status (and problem+json whenever it is an error).

The world: a SANITREN draft of a pesantren owned by the applicant; the reviewer works at Kemenag
(verification), the approver at Bappeda, finance at BPKAD, the auditor at the Inspektorat; the
village operator's desa is not the pesantren's business. Roles are tried in the table's order
with the role(s) expected to succeed last, so a successful change cannot hide a refusal.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import (
    ROLES,
    pending_disbursement,
    submit,
    to_agreement,
    to_first_tranche,
)
from tests.support.programs import PDF

#: anonymous applicant village_operator reviewer approver finance auditor admin
TABLE = [
    ("GET", "/programs", None, "draft",                     "200 200 200 200 200 200 200 200"),
    ("GET", "/programs/sanitren", None, "draft",            "200 200 200 200 200 200 200 200"),
    ("GET", "/statistics/sanitren/2026", None, "draft",     "200 200 200 200 200 200 200 200"),
    ("GET", "/openapi.json", None, "draft",                 "200 200 200 200 200 200 200 200"),
    ("GET", "/docs", None, "draft",                         "200 200 200 200 200 200 200 200"),
    ("GET", "/me", None, "draft",                           "401 200 200 200 200 200 200 200"),
    ("GET", "/applications/{app}", None, "draft",           "401 200 404 200 200 200 200 200"),
    ("GET", "/applications/{app}/status", None, "draft",    "401 200 404 200 200 200 200 200"),
    ("GET", "/applications/{app}/history", None, "draft",   "401 200 404 200 200 200 200 200"),
    ("GET", "/applications/{app}/eligibility", None, "draft", "401 200 404 200 200 200 200 200"),
    ("GET", "/applications/{app}/actions", None, "draft",   "401 200 404 200 200 200 200 200"),
    ("POST", "/applications", "create", "draft",            "401 201 403 403 403 403 403 403"),
    ("PATCH", "/applications/{app}/answers", "answers", "draft",
                                                            "401 200 404 403 403 403 403 403"),
    ("POST", "/applications/{app}/documents", "upload", "draft",
                                                            "401 201 404 403 403 403 403 403"),
    ("POST", "/applications/{app}/submit", None, "draft",   "401 200 404 403 403 403 403 403"),
    ("POST", "/applications/{app}/withdraw", "withdraw", "submitted",
                                                            "401 200 404 403 403 403 403 403"),
    ("POST", "/applications/{app}/transitions", "verify", "submitted",
                                                            "401 409 404 200 403 403 403 403"),
    ("PUT", "/applications/{app}/bank-account", "bank", "agreement",
                                                            "401 200 404 403 403 403 403 403"),
    ("PUT", "/applications/{app}/bank-account", "bank", "draft",
                                                            "401 409 404 403 403 403 403 403"),
    ("POST", "/nominations", "nominate", "draft",           "401 403 201 403 403 403 403 403"),
    ("GET", "/review/queue", None, "submitted",             "401 403 403 200 200 200 403 403"),
    ("GET", "/disbursements", None, "tranche",              "401 403 403 403 403 200 403 403"),
    ("POST", "/disbursements/{disbursement}/record", "record", "tranche",
                                                            "401 404 404 404 404 200 404 404"),
    ("POST", "/disbursements/{disbursement}/fail", "fail", "tranche",
                                                            "401 404 404 404 404 200 404 404"),
    ("POST", "/registers/pesantren/imports", "import", "draft",
                                                            "401 403 403 403 403 403 403 201"),
    ("GET", "/audit/events", None, "draft",                 "401 403 403 403 403 403 200 403"),
    ("GET", "/audit/verification", None, "draft",           "401 403 403 403 403 403 200 403"),
]


def _request(kind: str | None, world) -> dict:
    """Keyword arguments of the request body for each kind of call."""
    bodies = {
        "create": {"json": {"program_key": "sanitren", "organization_id": world.organization.id,
                            "answers": {"similar_aid_this_year": False}}},
        "answers": {"json": {"answers": {"sanitation_adequate": False}}},
        "withdraw": {"json": {"reason": "Sudah mendapat bantuan dari pihak lain"}},
        "verify": {"json": {"action": "verify", "fields": {"admin_checklist": {
            k: True for k in ("nspp_valid", "salafi_confirmed", "legal_docs_valid",
                              "land_status_clear", "bank_account_matches")}}}},
        "record": {"json": {"transfer_date": "2026-03-02", "transfer_reference": "SP2D-0001"}},
        "fail": {"json": {"reason": "Rekening tidak aktif", "deadline": "2099-01-31"}},
        "bank": {"json": {"bank_name": "Bank BJB", "number": "0012-3456-7890",
                          "holder_name": world.organization.name}},
        "nominate": {"json": {"full_name": "Ahmad Fauzi", "nik": "3603011201850001",
                              "address": "Kp. Cangkudu", "teaching_since": "2015-07-01",
                              "pupil_count": 25, "is_civil_servant": False,
                              "has_fixed_income": False}},
    }
    if kind == "upload":
        import io
        return {"data": {"doc_type": "proposal", "file": (io.BytesIO(PDF), "proposal.pdf")},
                "content_type": "multipart/form-data"}
    if kind == "import":
        import io
        csv = b"nspp,nama\n510036030001,Pondok Pesantren Contoh\nbukan-nspp,Rusak\n"
        return {"data": {"file": (io.BytesIO(csv), "pesantren.csv")},
                "content_type": "multipart/form-data"}
    return bodies.get(kind, {})


def _prepare(state: str, world):
    if state == "submitted":
        return submit(world), None
    if state == "agreement":
        return to_agreement(world), None
    if state == "tranche":
        application = to_first_tranche(world)
        return application, pending_disbursement(application)
    return world.draft, None


@pytest.mark.parametrize(("method", "template", "kind", "state", "expected"), TABLE,
                         ids=[f"{m} {t}" for m, t, *_ in TABLE])
def test_endpoint_for_every_role(client, world, method, template, kind, state, expected):
    application, disbursement = _prepare(state, world)
    path = "/api/v1" + template.format(app=application.id,
                                       disbursement=disbursement.id if disbursement else 0)
    statuses = dict(zip(ROLES, (int(code) for code in expected.split()), strict=True))
    order = sorted(ROLES, key=lambda role: 200 <= statuses[role] < 300)
    seen = {}
    for role in order:
        response = client.open(path, method=method, headers=world.headers(role),
                               **_request(kind, world))
        seen[role] = response.status_code
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", (role, response.data)
            assert response.json["status"] == response.status_code
    assert seen == statuses
