"""The relay: moves committed outbox rows to the broker (or, embedded, straight to delivery).

Rows are locked with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), so several relays may run at once
without publishing a row twice in one round. Publishing happens while the rows are locked and
before their "queued" mark commits: if the broker is down the transaction rolls back and the
rows stay due; if the commit fails after publishing, the duplicate message is harmless because
delivery claims rows with a conditional UPDATE.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.notifications.delivery import batches, deliver_batch
from app.notifications.models import Notification
from app.notifications.settings import setting

Publisher = Callable[[Sequence[int]], None]


def _lock(where: sa.ColumnElement[bool], limit: int) -> list[int]:
    query = (
        sa.select(Notification.id)
        .where(where)
        .order_by(Notification.next_attempt_dt, Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(db.session.scalars(query))


def _due() -> sa.ColumnElement[bool]:
    """Rows never published, or waiting for a retry (the partial index ix_notifications_due)."""
    return sa.and_(
        Notification.status.in_(("pending", "failed")), Notification.next_attempt_dt <= utcnow()
    )


def _overdue_in_flight(unclaimed_before: datetime | None = None) -> sa.ColumnElement[bool]:
    """Published but never claimed in time (a lost message), or a sending lease that ran out;
    with ``unclaimed_before``, also rows published before then and still not claimed."""
    overdue = Notification.next_attempt_dt <= utcnow()
    if unclaimed_before is not None:
        overdue = sa.or_(overdue, sa.and_(Notification.published_dt.is_not(None),
                                          Notification.published_dt <= unclaimed_before))
    return sa.and_(Notification.status == "queued", overdue)


def _mark_published(ids: Sequence[int]) -> None:
    claim_by = utcnow() + timedelta(seconds=setting("NOTIFY_REQUEUE_AFTER_SECONDS"))
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(list(ids)))
        .values(status="queued", published_dt=utcnow(), next_attempt_dt=claim_by)
        .execution_options(synchronize_session=False)
    )


def _bury_exhausted(ids: Sequence[int]) -> list[int]:
    """Leases that ran out on the last allowed attempt: the outcome is unknown, stop here."""
    exhausted = sa.and_(
        Notification.id.in_(list(ids)),
        Notification.published_dt.is_(None),
        Notification.attempts >= setting("NOTIFY_MAX_ATTEMPTS"),
    )
    buried = db.session.scalars(
        sa.update(Notification)
        .where(exhausted)
        .values(status="dead", last_error="outcome unknown: the worker was lost while sending")
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    return list(buried)


def relay_batch(publish: Publisher, *, limit: int | None = None) -> list[int]:
    """Publish one batch of due rows and mark them queued. Commits; returns the ids published."""
    limit = limit or setting("NOTIFY_RELAY_BATCH")
    try:
        ids = _lock(_due(), limit)
        if ids:
            publish(ids)
            _mark_published(ids)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return ids


def requeue_lost(publish: Publisher, *, limit: int | None = None,
                 unclaimed_before: datetime | None = None) -> list[int]:
    """Publish again the in-flight rows whose claim deadline or lease has passed (or, with
    ``unclaimed_before``, that were published before then and never claimed). Commits."""
    limit = limit or setting("NOTIFY_RELAY_BATCH")
    try:
        ids = _lock(_overdue_in_flight(unclaimed_before), limit)
        again = sorted(set(ids) - set(_bury_exhausted(ids)))
        if again:
            publish(again)
            _mark_published(again)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return again


def relay(publish: Publisher, *, budget_seconds: float = 20.0) -> int:
    """Relay batches until nothing is due or the time budget is spent; returns rows published."""
    deadline = time.monotonic() + budget_seconds
    total = 0
    limit = setting("NOTIFY_RELAY_BATCH")
    while time.monotonic() < deadline:
        published = len(relay_batch(publish, limit=limit))
        total += published
        if published < limit:
            break
    return total


def deliver_due(*, limit: int | None = None) -> int:
    """Embedded relay (no broker): take due rows and deliver them here, NOTIFY_DELIVERY_BATCH
    at a time through the same ``deliver_batch`` as the Celery task. Returns rows handled."""
    ids = requeue_lost(_no_broker, limit=limit) + relay_batch(_no_broker, limit=limit)
    for batch in batches(ids):
        deliver_batch(batch)
    return len(ids)


def _no_broker(ids: Sequence[int]) -> None:
    """The embedded relay delivers in-process right after marking, so nothing is published."""
