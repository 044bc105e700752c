"""Everything SIBANTU holds about one person, as JSON (UU 27/2022 PDP: right of access).

NIK and KK appear masked, bank account numbers by their last four digits; document files are
listed (type, version, digest), not embedded. The export itself is recorded as a read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.applications.models import Application
from app.audit.chain import iso_utc
from app.audit.operations import record_personal_data_read
from app.auditor.queries import events_about_person
from app.extensions import db
from app.notifications.models import Notification

BULLETS = "\u2022" * 8
PERSON_FIELDS = (
    "id", "full_name", "birth_date", "gender", "phone", "npwp", "nisn", "desa_code", "address",
    "is_civil_servant", "has_fixed_income", "teaching_since", "school_npsn", "school_level",
    "guardian_person_id", "created_dt", "updated_dt",
)
APPLICATION_FIELDS = (
    "id", "number", "program_key", "definition_version", "fiscal_year", "stage", "outcome",
    "version", "applicant_name", "answers", "amount_requested", "amount_approved", "eligibility",
    "submitted_dt", "decided_dt", "closed_dt", "created_dt",
)
DOCUMENT_FIELDS = (
    "id", "doc_type", "version", "is_current", "filename", "content_type", "size_bytes", "sha256",
    "uploaded_dt", "verified_status",
)
NOTIFICATION_FIELDS = (
    "id", "channel", "template", "language", "application_id", "status", "created_dt", "sent_dt",
    "read_dt",
)
EVENT_FIELDS = (
    "seq", "occurred_dt", "actor_user_id", "actor_role", "agency_code", "action", "object_type",
    "object_id", "summary", "reason",
)


def mask_identifier(value: str | None) -> str | None:
    if not value:
        return None
    return value[:4] + BULLETS + value[-4:] if len(value) >= 12 else BULLETS


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _pick(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _person(person: Any) -> dict[str, Any]:
    data = _pick(person, PERSON_FIELDS)
    data["nik_masked"] = mask_identifier(person.reveal_nik())
    data["kk_masked"] = mask_identifier(person.reveal_kk())
    data["bank_accounts"] = [
        {"bank_name": a.bank_name, "number_masked": a.masked_number, "holder_name": a.holder_name,
         "status": a.status, "is_current": a.is_current}
        for a in person.bank_accounts
    ]
    return data


def _applications(person_id: int) -> list[dict[str, Any]]:
    query = sa.select(Application).where(Application.person_id == person_id)
    return [
        _pick(a, APPLICATION_FIELDS)
        | {"documents": [_pick(d, DOCUMENT_FIELDS) for d in a.documents]}
        for a in db.session.scalars(query.order_by(Application.id))
    ]


def _notifications(person_id: int) -> list[dict[str, Any]]:
    users = sa.select(User.id).where(User.person_id == person_id)
    query = sa.select(Notification).where(Notification.recipient_user_id.in_(users))
    notifications = db.session.scalars(query.order_by(Notification.id))
    return [_pick(n, NOTIFICATION_FIELDS) for n in notifications]


def _accounts(person_id: int) -> list[dict[str, Any]]:
    query = sa.select(User).where(User.person_id == person_id).order_by(User.id)
    return [
        {"id": u.id, "email": u.email, "phone": u.phone, "full_name": u.full_name,
         "language": u.language, "created_dt": _plain(u.created_dt),
         "roles": sorted(r.role for r in u.roles)}
        for u in db.session.scalars(query)
    ]


def subject_access_export(person: Any, *, actor: Any = None, reason: str | None = None) -> dict:
    """The whole file on ``person``; records the export in the audit trail (caller commits)."""
    data = {
        "generated_dt": None,
        "person": _person(person),
        "user_accounts": _accounts(person.id),
        "applications": _applications(person.id),
        "notifications": _notifications(person.id),
        "audit_events": [_pick(e, EVENT_FIELDS) for e in events_about_person(person.id)],
    }
    event = record_personal_data_read(
        actor, person, "subject_access_export", actor_role=None if actor else "system",
        reason=reason,
    )
    data["generated_dt"] = iso_utc(event.occurred_dt)
    data["export_audit_seq"] = event.seq
    return data
