from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import JSONType, utcnow
from app.extensions import db


class AuditEvent(db.Model):
    """One entry of the append-only chain. ``seq`` is assigned under a lock: no gaps, no forks."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_object", "object_type", "object_id", "seq"),
        sa.Index("ix_audit_events_actor", "actor_user_id", "seq"),
        sa.Index("ix_audit_events_action", "action", "seq"),
    )

    seq: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    occurred_dt: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(sa.Integer, default=None)
    actor_role: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    agency_code: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    program_key: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    object_id: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    object_version: Mapped[int | None] = mapped_column(default=None)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    request_id: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class AuditCheckpoint(db.Model):
    """The chain head at one moment, signed with the audit Ed25519 key."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    head_hash: Mapped[str] = mapped_column(sa.String(64))
    signature: Mapped[str] = mapped_column(sa.String(128))
    key_id: Mapped[str] = mapped_column(sa.String(16))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
