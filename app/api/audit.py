"""The audit trail for auditors: paged events by seq cursor, and the chain's verification."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from app.api import pagination
from app.api.blueprint import api
from app.api.permissions import can_read_audit_trail
from app.api.problems import ApiProblem
from app.api.schemas import Out
from app.audit.models import AuditEvent
from app.audit.verify import verify_chain
from app.auditor.queries import AuditFilter, page
from app.extensions import db

Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.*-]{1,60}$")]


class AuditQuery(pagination.PageQuery):
    program_key: Key | None = None
    agency_code: Key | None = None
    action: Key | None = Field(None, description="Exact, or a prefix ending in `.` or `*`")
    object_type: Key | None = None
    object_id: Key | None = None
    since: datetime | None = Field(None, description="occurred_dt >= since (ISO 8601)")
    until: datetime | None = Field(None, description="occurred_dt < until (ISO 8601)")


class AuditEventOut(Out):
    seq: int
    occurred_dt: datetime
    actor_user_id: int | None
    actor_role: str | None
    agency_code: str | None
    program_key: str | None
    action: str
    object_type: str | None
    object_id: str | None
    object_version: int | None
    summary: dict[str, Any]
    reason: str | None
    request_id: str | None
    prev_hash: str
    hash: str


class AuditPage(Out):
    items: list[AuditEventOut]
    next_cursor: str | None


class VerificationOut(Out):
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str | None
    head_seq: int
    head_hash: str
    decisions: int
    checkpoints: int


def _auditor(user) -> None:
    if not can_read_audit_trail(user):
        raise ApiProblem(403)


def _aware(moment: datetime | None) -> datetime | None:
    """Filter times must carry a zone and fit in UTC (year 1 minus an offset does not)."""
    if moment is None:
        return None
    try:
        if moment.tzinfo is None:
            raise ValueError("timezone required")
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ApiProblem(422, "Waktu harus lengkap dengan zona waktu (mis. Z).",
                         code="validation_failed",
                         errors=[{"field": "query.since/until", "message": str(exc)}]) from None


@api.operation("GET", "/audit/events", summary="Audit events (export)", tags=("audit",),
               roles=("auditor",), query=AuditQuery, response=AuditPage)
def audit_events(user, query: AuditQuery):
    """Events oldest first, filtered; page on with `next_cursor` (keyset on seq)."""
    _auditor(user)
    filters = AuditFilter(
        program_key=query.program_key, agency_code=query.agency_code, action=query.action,
        object_type=query.object_type, object_id=query.object_id,
        since=_aware(query.since), until=_aware(query.until),
    )
    result = page(filters, after=pagination.decode(query.cursor), limit=query.limit)
    return AuditPage(items=[_event(e) for e in result.events],
                     next_cursor=pagination.encode(result.next_after))


def _event(event: AuditEvent) -> AuditEventOut:
    return AuditEventOut(**{name: getattr(event, name) for name in AuditEventOut.model_fields})


@api.operation("GET", "/audit/verification", summary="Verify the audit chain", tags=("audit",),
               roles=("auditor",), response=VerificationOut)
def audit_verification(user):
    """Recompute the hash chain, decisions and signed checkpoints (`app.audit.verify`)."""
    _auditor(user)
    result = verify_chain(db.session)
    return VerificationOut(**{name: getattr(result, name)
                              for name in VerificationOut.model_fields})
