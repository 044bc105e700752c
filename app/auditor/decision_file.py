"""The decision file of one application, for Inspektorat and BPK: HTML from a Jinja template,
printed to PDF by WeasyPrint.

It shows every stage decision (who, in which role and agency, when, why, on which frozen answers
and documents), the eligibility rule results, every document version with its SHA-256, and the
application's audit events with their chain hashes, so each line can be checked against
``flask audit verify``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from jinja2 import ChoiceLoader, Environment, FileSystemLoader

from app.accounts.models import User
from app.agencies.models import Agency
from app.applications.grounds import grounds_by_decision, photo_data_uri
from app.applications.workflow import definition_of
from app.audit.models import AuditEvent
from app.audit.operations import freeze, latest_checkpoint
from app.auditor.queries import application_events
from app.db import utcnow
from app.extensions import db
from app.programs.models import Program

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "audit/decision_file.html"


def _environment() -> Environment:
    """The app's Jinja environment (filters, i18n) reading this package's templates first, then
    the app's (for the shared macros, e.g. where a photo was taken)."""
    loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), current_app.jinja_env.loader])
    return current_app.jinja_env.overlay(loader=loader)


def eligibility_rows(eligibility: Any) -> list[dict[str, Any]]:
    """Rule results as rows (key, outcome, reason) from whatever shape the evaluator stored."""
    if isinstance(eligibility, dict):
        results = eligibility.get("results", eligibility.get("rules"))
        if results is None:
            return [{"key": k, "outcome": v, "reason": ""} for k, v in eligibility.items()]
        eligibility = results
    if not isinstance(eligibility, list):
        return []
    return [_rule_row(item) for item in eligibility]


def _rule_row(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {"key": str(item), "outcome": "", "reason": ""}
    reason = item.get("reason", "")
    if isinstance(reason, dict):
        reason = reason.get("id") or reason.get("en") or ""
    return {"key": item.get("key", ""), "outcome": item.get("outcome", ""), "reason": reason}


def _users(ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def _agencies() -> dict[int, str]:
    return dict(db.session.execute(sa.select(Agency.id, Agency.code)).tuples().all())


def _decision_rows(application: Any) -> list[dict[str, Any]]:
    decisions = application.decisions
    seqs = [d.audit_seq for d in decisions if d.audit_seq is not None]
    hashes = dict(db.session.execute(
        sa.select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(seqs))
    ).tuples().all()) if seqs else {}
    users, agencies = _users({d.actor_user_id for d in decisions}), _agencies()
    return [
        {"decision": d, "actor": users.get(d.actor_user_id), "agency": agencies.get(d.agency_id),
         "event_hash": hashes.get(d.audit_seq)}
        for d in decisions
    ]


def context(application: Any) -> dict[str, Any]:
    events = application_events(application.id)
    return {
        "application": application,
        "program": db.session.get(Program, application.program_key),
        "decisions": _decision_rows(application),
        "grounds": grounds_by_decision(definition_of(application), application, "id"),
        "photo_data_uri": photo_data_uri,
        "eligibility": eligibility_rows(application.eligibility),
        "documents": sorted(application.documents, key=lambda d: (d.doc_type, d.version)),
        "events": events,
        "actors": _users({e.actor_user_id for e in events if e.actor_user_id is not None}),
        "frozen_now": freeze(application),
        "checkpoint": latest_checkpoint(),
        "generated_dt": utcnow(),
    }


def decision_file_html(application: Any) -> str:
    return _environment().get_template(TEMPLATE).render(**context(application))


def decision_file_pdf(application: Any) -> bytes:
    """The PDF bytes. Callers showing it to someone should also record the read."""
    from weasyprint import HTML  # heavy (Pango, fonts): loaded only when a PDF is made

    return HTML(string=decision_file_html(application), base_url=str(TEMPLATES)).write_pdf()
