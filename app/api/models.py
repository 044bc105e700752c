from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import BigId, JSONType, utcnow
from app.extensions import db


class ApiToken(db.Model):
    """A personal or service token; only its SHA-256 is stored, the value is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = (sa.CheckConstraint("kind IN ('personal', 'service')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(10), default="personal")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    role: Mapped[str] = mapped_column(sa.String(20))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), default=None)
    expires_dt: Mapped[datetime]
    revoked_dt: Mapped[datetime | None] = mapped_column(default=None)
    last_used_dt: Mapped[datetime | None] = mapped_column(default=None)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_records"
    __table_args__ = (sa.UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_id: Mapped[int] = mapped_column(sa.ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(100))
    request_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
