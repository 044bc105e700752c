"""The public verification page of issued letters (/verifikasi/<code>): no login, no PII."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template

from app.applications.letters import approval_decision, letter_number
from app.applications.models import Application
from app.applications.workflow import definition_of
from app.extensions import db, limiter
from app.verification import codes

bp = Blueprint("verification", __name__, url_prefix="/verifikasi")


@bp.route("/<code>")
@limiter.limit("60 per minute")
def check(code: str):
    decision = codes.decision_for(code[:40])
    if decision is None:
        abort(404)
    application = db.session.get(Application, decision.application_id)
    current = approval_decision(application)
    defn = definition_of(application)
    transition = defn.find_transition(decision.from_stage, decision.action)
    lang = g.get("lang") or "id"
    return render_template(
        "verification/check.html",
        application=application,
        decision=decision,
        definition=defn,
        action_label=getattr(transition.label, lang, None) or transition.label.id
        if transition
        else "",
        number=letter_number(application, decision),
        agreements=agreement_titles(defn, lang),
        valid=current is not None and current.id == decision.id,
        intact=codes.event_intact(decision),
    )


def agreement_titles(defn, lang: str) -> list[str]:
    return [getattr(a.title, lang, None) or a.title.id for a in getattr(defn, "agreements", ())]
