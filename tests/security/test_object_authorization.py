"""Object-level authorization: who may and may not reach every route that takes an id.

The routes are walked from ``app.url_map``: a new route with an ``<int:…>`` argument fails the
test until it is added to ``ACCESS`` below, with the actors who may reach it. "Reach" means the
request got past the object check (any answer but 401/403/404 or the login page); everyone not
named must be refused. Each actor knocks with a real login (browser routes, with a valid CSRF
token) or a real API token (``/api/``). The walk changes state in a fixed order (reads first,
then writes, the API last), so a state-gated route lists who reaches it in that state.
"""

from __future__ import annotations

import io
from datetime import timedelta

from app.common.i18n import jakarta_today
from tests.security.routes import AccessTable, authorization_violations, id_rules
from tests.support.programs import PDF

OWNER = frozenset({"owner"})
ADMIN = frozenset({"admin"})
AUDIT = frozenset({"auditor", "admin"})
#: the application's own agencies (Kemenag reviews it, BPKAD pays it), auditors and admins
FILE = frozenset({"agency_staff", "agency_finance", "auditor", "admin"})
APPLICANT_AND_FILE = OWNER | FILE
EVERYONE = frozenset({"owner", "other_applicant", "agency_staff", "agency_finance",
                      "other_agency_staff", "other_agency_finance", "auditor", "admin",
                      "anonymous"})
NOBODY: frozenset[str] = frozenset()
NEVER = frozenset({"other_applicant", "other_agency_staff", "other_agency_finance", "anonymous"})

ACCESS: AccessTable = {
    # applicant-facing pages
    "applications.detail": ("submitted", APPLICANT_AND_FILE),
    "applications.document": ("submitted", APPLICANT_AND_FILE),
    "applications.decision_letter": ("approved", APPLICANT_AND_FILE),
    "applications.agreement": ("approved", APPLICANT_AND_FILE),
    "organizations.detail": ("owner", OWNER | AUDIT),
    "portal.application": ("submitted", OWNER),
    "portal.act": ("submitted", OWNER),
    "portal.form_step": ("draft", OWNER),
    "portal.documents_step": ("draft", OWNER),
    "portal.submit_step": ("draft", OWNER),
    "portal.organization_edit": ("owner", OWNER),
    "portal.organization_bank": ("owner", OWNER),
    "portal.request_register_check": ("owner", OWNER),
    # only while the bank asks for a new account (stage bank_correction): nobody here
    "portal.correct_bank": ("approved", NOBODY),
    # staff workspace: the agency whose stage it is (task actions), the file's agencies (reading)
    "staff.application": ("submitted", FILE),
    "staff.document": ("submitted", FILE),
    "staff.act": ("submitted", frozenset({"agency_staff"})),
    # claiming is refused by the operation (a message, 302) to file readers who cannot work it
    "staff.claim": ("queued", frozenset({"agency_staff", "agency_finance"})),
    "staff.release": ("queued", frozenset({"agency_staff"})),
    "staff.assign": ("queued", NOBODY),  # only the heads (approvers) of the task's agency
    "staff.reveal_nik": ("submitted", NOBODY),  # SANITREN files name no person
    # auditors and admins
    "audit.trail": ("submitted", AUDIT),
    "audit.decision_file": ("submitted", AUDIT),
    "audit.person_reads": ("submitted", AUDIT),
    "admin.user": ("owner", ADMIN),
    "admin.grant": ("owner", ADMIN),
    "admin.revoke": ("owner", ADMIN),
    "admin.import_report": ("owner", ADMIN),
    "notifications.retry": ("owner", ADMIN),
    # the JSON API (bearer tokens)
    "api.get_application": ("submitted", APPLICANT_AND_FILE),
    "api.get_actions": ("submitted", APPLICANT_AND_FILE),
    "api.get_eligibility": ("submitted", APPLICANT_AND_FILE),
    "api.get_history": ("submitted", APPLICANT_AND_FILE),
    "api.get_status": ("submitted", APPLICANT_AND_FILE),
    "api.update_answers": ("api_draft", OWNER),
    "api.upload_document": ("api_draft", OWNER),
    "api.submit_application": ("api_draft", OWNER),
    # the owner withdraws first; the file's agencies then learn only "already closed" (409)
    "api.withdraw_application": ("queued", APPLICANT_AND_FILE),
    "api.fire_transition": ("submitted", APPLICANT_AND_FILE),
    # the owner is let through to the stage check (409 where the stage allows no correction)
    "api.correct_bank_account": ("approved", OWNER),
    "api.fail_transfer": ("approved", frozenset({"agency_finance"})),
    "api.record_transfer": ("approved", frozenset({"agency_finance"})),
    "api.get_statistics": ("submitted", EVERYONE),  # public aggregate figures, no object
}

API_BODIES = {
    "api.update_answers": lambda: {"json": {"answers": {"resident_santri": 130}}},
    "api.upload_document": lambda: {
        "data": {"doc_type": "proposal", "file": (io.BytesIO(PDF), "surat.pdf")},
        "content_type": "multipart/form-data"},
    "api.fire_transition": lambda: {"json": {"action": "verify", "fields": {"admin_checklist": {
        key: True for key in ("nspp_valid", "salafi_confirmed", "legal_docs_valid",
                              "land_status_clear", "bank_account_matches")}}}},
    "api.withdraw_application": lambda: {"json": {"reason": "Tidak jadi mengajukan"}},
    "api.correct_bank_account": lambda: {"json": {"bank_name": "Bank BJB",
                                                  "number": "0012345678",
                                                  "holder_name": "Pemilik Rekening"}},
    "api.fail_transfer": lambda: {"json": {
        "reason": "Rekening tidak aktif",
        "deadline": (jakarta_today() + timedelta(days=14)).isoformat()}},
    "api.record_transfer": lambda: {"json": {"transfer_date": jakarta_today().isoformat(),
                                             "transfer_reference": "SP2D-1"}},
}


def test_the_access_table_never_opens_an_object_to_strangers():
    for endpoint, (_, allowed) in ACCESS.items():
        if allowed is not EVERYONE:
            assert not allowed & NEVER, endpoint


def test_every_route_with_an_id_refuses_everyone_the_table_does_not_name(app, world):
    assert len(id_rules(app)) >= 30
    problems = authorization_violations(app, world.actors(app), world.values, ACCESS,
                                        API_BODIES)
    assert problems == [], "\n".join(problems)
