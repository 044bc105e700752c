"""The decision letter (surat keputusan) of an approved application.

It is rendered on demand from the audited approval decision rather than stored, so the letter can
never drift from the trail: it names the decision's audit sequence number and hash, and carries
a QR code and short link to the public verification page (app/verification/).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from app.accounts.models import User
from app.agencies.models import Agency
from app.applications.models import Application, Decision
from app.applications.workflow import definition_of
from app.audit.models import AuditEvent
from app.extensions import db
from app.verification import codes

TEMPLATE = "applications/decision_letter.html"
WITHDRAWN = ("rejected", "withdrawn")


def approval_decision(application: Application) -> Decision | None:
    """The decision that reserved the budget (the award), unless it was later cancelled."""
    if application.outcome in WITHDRAWN or application.amount_approved is None:
        return None
    defn = definition_of(application)
    decisions = db.session.scalars(
        sa.select(Decision).where(Decision.application_id == application.id).order_by(Decision.id)
    )
    for decision in decisions:
        transition = defn.find_transition(decision.from_stage, decision.action)
        if transition is not None and "reserve_budget" in transition.effects:
            return decision
    return None


def letter_number(application: Application, decision: Decision) -> str:
    year = decision.created_dt.year
    return f"{decision.id:05d}/SK-{application.program_key.upper()}/SIBANTU/{year}"


def decision_letter_html(application: Application, decision: Decision) -> str:
    defn = definition_of(application)
    return render_template(
        TEMPLATE,
        application=application,
        decision=decision,
        definition=defn,
        number=letter_number(application, decision),
        agency=db.session.get(Agency, decision.agency_id) if decision.agency_id else None,
        approver=db.session.get(User, decision.actor_user_id),
        event=db.session.get(AuditEvent, decision.audit_seq) if decision.audit_seq else None,
        **verification_context(decision),
    )


def verification_context(decision: Decision) -> dict:
    """Signer, short link and QR code printed on every letter issued from ``decision``."""
    url = codes.url_of(decision)
    return {"signer": codes.signer_of(decision), "verify_url": url, "qr": codes.qr_data_uri(url)}


def decision_letter_pdf(application: Application, decision: Decision) -> bytes:
    from weasyprint import HTML  # heavy (Pango, fonts): loaded only when a PDF is made

    return HTML(string=decision_letter_html(application, decision)).write_pdf()
