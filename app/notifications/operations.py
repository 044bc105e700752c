"""Writing notifications into the outbox, in the caller's transaction (never talks to a broker).

Nothing here commits. ``notify`` only adds rows; the relay (Celery beat, or the embedded relay
when there is no broker) publishes them after the caller's transaction has committed, so a
rolled-back transaction never sends anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask import current_app

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
) -> Written:
    """Add one outbox row per recipient and channel, in the caller's transaction; returns the
    rows written (empty when the event was already notified).

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
    ids = _insert_new(values)
    if any(v["channel"] != "inapp" for v in values):
        db.session.info[OUTBOX_DIRTY] = True
    return Written(ids)


class Written(Sequence[Notification]):
    """The rows one ``notify`` call wrote. Their ids are known at once; the rows themselves are
    read only if the caller uses them (most callers do not: it saves a query per event)."""

    def __init__(self, ids: Sequence[int]) -> None:
        self.ids = list(ids)
        self._rows: list[Notification] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):  # type: ignore[override]
        return self._load()[index]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return f"<Written notifications {self.ids}>"

    def _load(self) -> list[Notification]:
        if self._rows is None:
            found = {n.id: n for n in db.session.scalars(
                sa.select(Notification).where(Notification.id.in_(self.ids)))}
            self._rows = [found[i] for i in self.ids]
        return self._rows


def _insert_new(values: list[dict[str, Any]]) -> list[int]:
    """One multi-row INSERT … ON CONFLICT DO NOTHING RETURNING the ids actually written."""
    return list(db.session.scalars(_insert_statement(len(values)), _numbered(values)))


#: the columns ``_row`` fills; the others start NULL
_INSERT_COLUMNS = ("event_key", "channel", "recipient_user_id", "recipient_address", "template",
                   "context", "language", "application_id", "status", "attempts",
                   "next_attempt_dt", "created_dt", "sent_dt")


@lru_cache(maxsize=32)
def _insert_statement(count: int) -> sa.TextClause:
    """The INSERT for ``count`` rows, built once per row count. (SQLAlchemy cannot cache the
    compiled form of an ``on_conflict_do_nothing`` construct, and compiling it on every
    notification cost more than the round trip; the SQL is the same on PostgreSQL and SQLite.)"""
    table = Notification.__table__
    rows = ", ".join(
        "(" + ", ".join(f":{name}_{n}" for name in _INSERT_COLUMNS) + ")" for n in range(count))
    # only constant names and numbered placeholders go into the text; every value is bound
    sql = (f"INSERT INTO {table.name} ({', '.join(_INSERT_COLUMNS)}) VALUES {rows} "  # noqa: S608
           f"ON CONFLICT ({', '.join(UNIQUE_COLUMNS)}) DO NOTHING RETURNING id")
    params = [sa.bindparam(f"{name}_{n}", type_=table.c[name].type)
              for n in range(count) for name in _INSERT_COLUMNS]
    return sa.text(sql).bindparams(*params).columns(id=sa.BigInteger)


def _numbered(values: list[dict[str, Any]]) -> dict[str, Any]:
    return {f"{name}_{n}": row[name] for n, row in enumerate(values) for name in _INSERT_COLUMNS}


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
