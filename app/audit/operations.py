"""Appending to the audit chain. Called inside the transaction of the change it records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context

from app.audit.chain import GENESIS_HASH, event_hash
from app.audit.models import AuditEvent
from app.db import utcnow
from app.extensions import db

#: arbitrary constant naming the advisory lock that serialises appends on PostgreSQL
CHAIN_LOCK_ID = 0x5B1A_A0D1


def _lock_chain() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK_ID)))


def _head() -> tuple[int, str, datetime | None]:
    row = db.session.execute(
        sa.select(AuditEvent.seq, AuditEvent.hash, AuditEvent.occurred_dt)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return 0, GENESIS_HASH, None
    return row.seq, row.hash, row.occurred_dt


def record(
    action: str,
    *,
    actor: Any = None,
    actor_role: str | None = None,
    agency_code: str | None = None,
    program_key: str | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_version: int | None = None,
    summary: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Never put a plaintext NIK in ``summary``."""
    _lock_chain()
    last_seq, last_hash, last_dt = _head()
    now = utcnow()
    if last_dt is not None and now < last_dt:
        now = last_dt  # the chain's clock never runs backwards
    fields: dict[str, Any] = {
        "seq": last_seq + 1,
        "occurred_dt": now.astimezone(UTC),
        "actor_user_id": getattr(actor, "id", actor),
        "actor_role": actor_role,
        "agency_code": agency_code,
        "program_key": program_key,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "object_version": object_version,
        "summary": summary or {},
        "reason": reason,
        "request_id": g.get("request_id") if has_request_context() else None,
        "prev_hash": last_hash,
    }
    event = AuditEvent(**fields, hash=event_hash(fields))
    db.session.add(event)
    db.session.flush()
    return event
