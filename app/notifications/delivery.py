"""Delivering one outbox row: claim it, send it, record the outcome — each step its own commit.

Row states (``Notification.status``) and what ``next_attempt_dt`` means in each:

* ``pending`` / ``failed`` — waiting for the relay; it is due at ``next_attempt_dt``.
* ``queued`` with ``published_dt`` set — a message for it is in the broker; if nobody claims it
  by ``next_attempt_dt`` the message is taken as lost and the relay publishes it again.
* ``queued`` with ``published_dt`` NULL — *sending*: claimed by a worker for attempt
  ``attempts``; the lease ends at ``next_attempt_dt``. After that the outcome is unknown and the
  relay publishes it again (or marks it dead when the attempts are used up).
* ``sent`` (final) and ``dead`` (until an admin retries it).

The claim is a conditional UPDATE, so two copies of one message (broker redelivery, relay
republishing) never send twice while a lease holds. What stays at-least-once: a worker that dies
after the server accepted the message but before its "sent" commit — see README.md.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.notifications import channels
from app.notifications.models import Notification
from app.notifications.settings import setting

log = logging.getLogger(__name__)


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter: about base·2^(attempt-1), capped, times 0.5–1.0."""
    base = setting("NOTIFY_RETRY_BASE_SECONDS")
    delay = min(setting("NOTIFY_RETRY_MAX_SECONDS"), base * 2 ** max(attempt - 1, 0))
    return delay * random.uniform(0.5, 1.0)


def _wait_for_relay(notification_id: int) -> None:
    """Lock the row first: the relay publishes before its "queued" mark commits, and an UPDATE
    whose WHERE does not match the committed row would not wait for that commit."""
    db.session.execute(
        sa.select(Notification.id).where(Notification.id == notification_id).with_for_update()
    )


def claim(notification_id: int) -> int | None:
    """Take the row for one attempt; returns the attempt number, or None if not ours to send."""
    _wait_for_relay(notification_id)
    now = utcnow()
    lease = timedelta(seconds=setting("NOTIFY_SEND_LEASE_SECONDS"))
    claimable = sa.or_(Notification.published_dt.is_not(None), Notification.next_attempt_dt <= now)
    stmt = (
        sa.update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.status == "queued",
            Notification.attempts < setting("NOTIFY_MAX_ATTEMPTS"),
            claimable,
        )
        .values(attempts=Notification.attempts + 1, published_dt=None, next_attempt_dt=now + lease)
        .returning(Notification.attempts)
        .execution_options(synchronize_session=False)
    )
    attempt = db.session.scalar(stmt)
    db.session.commit()
    return attempt


def _finish(notification_id: int, attempt: int, **values: object) -> bool:
    """Record an attempt's outcome, only if the row is still held by that attempt."""
    changed = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.status == "queued",
            Notification.attempts == attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not changed:
        log.warning("notification %s: attempt %s lost its claim", notification_id, attempt)
    return bool(changed)


def mark_sent(notification_id: int, attempt: int) -> bool:
    return _finish(notification_id, attempt, status="sent", sent_dt=utcnow(), last_error=None)


def mark_failed(notification_id: int, attempt: int, error: str, *, permanent: bool) -> str:
    dead = permanent or attempt >= setting("NOTIFY_MAX_ATTEMPTS")
    status = "dead" if dead else "failed"
    retry_at = utcnow() + timedelta(seconds=backoff_seconds(attempt))
    _finish(notification_id, attempt, status=status, next_attempt_dt=retry_at,
            last_error=error[:2000])
    return status


def deliver(notification_id: int) -> str:
    """Claim, send and record one row. Returns sent | failed | dead | skipped."""
    attempt = claim(notification_id)
    if attempt is None:
        return "skipped"
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        return "skipped"
    try:
        channels.send(notification)
    except Exception as exc:  # every failure is recorded on the row; none may escape the claim
        db.session.rollback()
        permanent = isinstance(exc, channels.PermanentFailure)
        log.warning("notification %s attempt %s failed: %s", notification_id, attempt, exc)
        return mark_failed(notification_id, attempt, _describe(exc), permanent=permanent)
    mark_sent(notification_id, attempt)
    return "sent"


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"
