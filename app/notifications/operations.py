"""Writing notifications into the outbox, in the caller's transaction (never talks to a broker).

Nothing here commits. ``notify`` only adds rows; the relay (Celery beat, or the embedded relay
when there is no broker) publishes them after the caller's transaction has committed, so a
rolled-back transaction never sends anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.accounts.models import User
from app.audit.operations import record
from app.db import utcnow
from app.extensions import db
from app.notifications.models import Notification

#: set on the session when it holds outbox rows to relay (read by the embedded relay)
OUTBOX_DIRTY = "sibantu.notifications.outbox_dirty"
UNIQUE_COLUMNS = ["event_key", "channel", "recipient_user_id"]


def channels_for(user: User) -> list[str]:
    """In-app always (staff included); e-mail and WhatsApp as the user chose."""
    channels = ["inapp"]
    if user.notify_email and user.email:
        channels.append("email")
    if user.notify_whatsapp and user.phone and current_app.config.get("WA_GATEWAY_URL"):
        channels.append("whatsapp")
    return channels


def _address(user: User, channel: str) -> str | None:
    return {"email": user.email, "whatsapp": user.phone}.get(channel)


def _row(event_key: str, template: str, user: User, channel: str, **extra: Any) -> dict[str, Any]:
    now = utcnow()
    inapp = channel == "inapp"
    return {
        "event_key": event_key,
        "channel": channel,
        "recipient_user_id": user.id,
        "recipient_address": _address(user, channel),
        "template": template,
        "language": user.language,
        "status": "sent" if inapp else "pending",
        "attempts": 0,
        "next_attempt_dt": now,
        "created_dt": now,
        "sent_dt": now if inapp else None,
        **extra,
    }


def notify(
    event_key: str,
    template: str,
    recipients: Iterable[User],
    *,
    context: dict[str, Any] | None = None,
    application_id: int | None = None,
) -> list[Notification]:
    """Add one outbox row per recipient and channel, in the caller's transaction.

    ``context`` must be small JSON (ids, short texts, ISO dates): everything else is loaded when
    the message is rendered. Rows of an event already notified are skipped with
    ``ON CONFLICT DO NOTHING``, so even two concurrent transactions cannot notify twice and
    neither of them fails.
    """
    extra = {"context": context or {}, "application_id": application_id}
    users = {u.id: u for u in recipients}.values()
    values = [_row(event_key, template, u, ch, **extra) for u in users for ch in channels_for(u)]
    if not values:
        return []
    rows = _insert_new(values)
    if any(v["channel"] != "inapp" for v in values):
        db.session.info[OUTBOX_DIRTY] = True
    return rows


def _insert_new(values: list[dict[str, Any]]) -> list[Notification]:
    """One multi-row INSERT … ON CONFLICT DO NOTHING RETURNING the rows actually written."""
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    stmt = (
        insert(Notification)
        .values(values)
        .on_conflict_do_nothing(index_elements=UNIQUE_COLUMNS)
        .returning(Notification)
    )
    return list(db.session.scalars(stmt))


def _inbox_query(user: User) -> sa.Select:
    return sa.select(Notification).where(
        Notification.recipient_user_id == user.id, Notification.channel == "inapp"
    )


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.recipient_user_id == user.id,
            Notification.channel == "inapp",
            Notification.read_dt.is_(None),
        )
    ) or 0


def inbox(user: User, *, before_id: int | None = None, limit: int = 30) -> list[Notification]:
    """The user's in-app messages, newest first, ``limit`` at a time (cursor: ``before_id``)."""
    query = _inbox_query(user).order_by(Notification.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return list(db.session.scalars(query))


def mark_read(user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread in-app messages read: the given ones, or all of them."""
    stmt = (
        sa.update(Notification)
        .where(
            Notification.recipient_user_id == user.id,
            Notification.channel == "inapp",
            Notification.read_dt.is_(None),
        )
        .values(read_dt=utcnow())
    )
    if notification_ids is not None:
        stmt = stmt.where(Notification.id.in_(list(notification_ids)))
    return db.session.execute(stmt).rowcount


def dead_letters(*, before_id: int | None = None, limit: int = 50) -> list[Notification]:
    query = (
        sa.select(Notification)
        .where(Notification.status == "dead")
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return list(db.session.scalars(query))


def retry_dead(notification: Notification, *, actor: User) -> bool:
    """Give a dead letter a fresh set of attempts. False if it is no longer dead."""
    changed = db.session.execute(
        sa.update(Notification)
        .where(Notification.id == notification.id, Notification.status == "dead")
        .values(status="pending", attempts=0, next_attempt_dt=utcnow(), published_dt=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return False
    db.session.refresh(notification)
    db.session.info[OUTBOX_DIRTY] = True
    record(
        "notification.retried", actor=actor, actor_role="admin", object_type="notification",
        object_id=notification.id, summary={"channel": notification.channel,
                                            "last_error": (notification.last_error or "")[:200]},
    )
    return True
