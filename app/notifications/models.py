from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import BigId, JSONType, utcnow
from app.extensions import db

CHANNELS = ("email", "whatsapp", "inapp")
STATUSES = ("pending", "queued", "sent", "failed", "dead")


class Notification(db.Model):
    """An outbox row, written in the same transaction as the event that causes it.

    Unique per (event, channel, recipient): the same event can never notify someone twice.
    In-app rows are the inbox; ``read_dt`` marks them read.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("event_key", "channel", "recipient_user_id"),
        sa.CheckConstraint(f"channel IN {CHANNELS!r}", name="channel_known"),
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
        sa.Index(
            "ix_notifications_due",
            "next_attempt_dt",
            "id",
            postgresql_where=sa.text("status IN ('pending', 'failed')"),
            sqlite_where=sa.text("status IN ('pending', 'failed')"),
        ),
        sa.Index("ix_notifications_inbox", "recipient_user_id", "channel", "read_dt"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_key: Mapped[str] = mapped_column(sa.String(120))
    channel: Mapped[str] = mapped_column(sa.String(10))
    recipient_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    recipient_address: Mapped[str | None] = mapped_column(sa.String(254), default=None)
    template: Mapped[str] = mapped_column(sa.String(60))
    context: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    language: Mapped[str] = mapped_column(sa.String(2), default="id")
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id"), index=True, default=None
    )
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_dt: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text, default=None)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    published_dt: Mapped[datetime | None] = mapped_column(default=None)
    sent_dt: Mapped[datetime | None] = mapped_column(default=None)
    read_dt: Mapped[datetime | None] = mapped_column(default=None)
