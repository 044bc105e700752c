"""Delivering outbox rows in batches: claim them (one statement, one commit), then send each
and record its own outcome (one autocommitted statement per row, right after the send).

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
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from celery.exceptions import SoftTimeLimitExceeded

from app.db import utcnow
from app.extensions import db
from app.notifications import channels, rendering
from app.notifications.models import Notification
from app.notifications.settings import setting

log = logging.getLogger(__name__)


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter: about base·2^(attempt-1), capped, times 0.5–1.0."""
    base = setting("NOTIFY_RETRY_BASE_SECONDS")
    delay = min(setting("NOTIFY_RETRY_MAX_SECONDS"), base * 2 ** max(attempt - 1, 0))
    return delay * random.uniform(0.5, 1.0)


def _wait_for_relay(ids: Sequence[int]) -> None:
    """Lock the rows first: the relay publishes before its "queued" mark commits, and an UPDATE
    whose WHERE does not match the committed row would not wait for that commit. Locked in id
    order, so two batches that share rows cannot deadlock."""
    db.session.execute(
        sa.select(Notification.id)
        .where(Notification.id.in_(ids))
        .order_by(Notification.id)
        .with_for_update()
    )


def claim_batch(ids: Iterable[int]) -> dict[int, int]:
    """Take rows for one attempt each, in one statement and one commit.

    Returns ``{id: attempt number}`` for the rows taken; a row that is not ours to send (already
    claimed by another delivery, sent, dead, not published yet, out of attempts) is left out.
    """
    ids = sorted(set(ids))
    if not ids:
        return {}
    _wait_for_relay(ids)
    now = utcnow()
    lease = timedelta(seconds=setting("NOTIFY_SEND_LEASE_SECONDS"))
    claimable = sa.or_(Notification.published_dt.is_not(None), Notification.next_attempt_dt <= now)
    stmt = (
        sa.update(Notification)
        .where(
            Notification.id.in_(ids),
            Notification.status == "queued",
            Notification.attempts < setting("NOTIFY_MAX_ATTEMPTS"),
            claimable,
        )
        .values(attempts=Notification.attempts + 1, published_dt=None, next_attempt_dt=now + lease)
        .returning(Notification.id, Notification.attempts)
        .execution_options(synchronize_session=False)
    )
    claimed = {row_id: attempt for row_id, attempt in db.session.execute(stmt)}
    db.session.commit()
    return claimed


def claim(notification_id: int) -> int | None:
    """Take one row for one attempt; returns the attempt number, or None if not ours to send."""
    return claim_batch([notification_id]).get(notification_id)


def _finish(notification_id: int, attempt: int, *, connection: sa.Connection | None = None,
            **values: object) -> bool:
    """Record an attempt's outcome, only if the row is still held by that attempt.

    With ``connection`` (an AUTOCOMMIT connection held by a delivery batch) the ``UPDATE`` is
    its own transaction: durable when it returns, one round trip. Otherwise through the session,
    which is committed.
    """
    params = {"held_id": notification_id, "held_attempt": attempt, **values}
    stmt = _outcome_update(tuple(values))
    if connection is not None:
        changed = connection.execute(stmt, params).rowcount
    else:
        changed = db.session.execute(stmt, params).rowcount
        db.session.commit()
    if not changed:
        log.warning("notification %s: attempt %s lost its claim", notification_id, attempt)
    return bool(changed)


@cache
def _outcome_update(columns: tuple[str, ...]) -> sa.Update:
    """``UPDATE notifications SET <columns> WHERE`` the row is still held by the attempt, built
    once per set of columns (an outcome is written per row; building it each time showed up)."""
    table = Notification.__table__
    return (
        sa.update(table)
        .where(
            table.c.id == sa.bindparam("held_id"),
            table.c.status == "queued",
            table.c.attempts == sa.bindparam("held_attempt"),
        )
        .values({name: sa.bindparam(name) for name in columns})
    )


def mark_sent(notification_id: int, attempt: int, *,
              connection: sa.Connection | None = None) -> bool:
    return _finish(notification_id, attempt, connection=connection, status="sent",
                   sent_dt=utcnow(), last_error=None)


def mark_failed(notification_id: int, attempt: int, error: str, *, permanent: bool,
                connection: sa.Connection | None = None) -> str:
    dead = permanent or attempt >= setting("NOTIFY_MAX_ATTEMPTS")
    status = "dead" if dead else "failed"
    retry_at = utcnow() + timedelta(seconds=backoff_seconds(attempt))
    _finish(notification_id, attempt, connection=connection, status=status,
            next_attempt_dt=retry_at, last_error=error[:2000])
    return status


def release(notification_id: int, attempt: int, *,
            connection: sa.Connection | None = None) -> bool:
    """Give back a claimed row that this attempt never tried to send (the batch ran out of time):
    due again at once, and the attempt it did not use is not counted."""
    return _finish(notification_id, attempt, connection=connection,
                   status="failed" if attempt > 1 else "pending", attempts=attempt - 1,
                   published_dt=None, next_attempt_dt=utcnow())


def batches(ids: Sequence[int]) -> list[list[int]]:
    """``ids`` cut into delivery batches of NOTIFY_DELIVERY_BATCH rows, in order."""
    size = max(int(setting("NOTIFY_DELIVERY_BATCH")), 1)
    return [list(ids[start:start + size]) for start in range(0, len(ids), size)]


def deliver(notification_id: int) -> str:
    """Claim, send and record one row. Returns sent | failed | dead | skipped."""
    return deliver_batch([notification_id])[notification_id]


def deliver_batch(ids: Sequence[int], *, deadline: float | None = None) -> dict[int, str]:
    """Claim the rows in one statement, then send each and record its own outcome.

    Returns ``{id: sent | failed | dead | skipped | released}``. E-mails share one SMTP
    connection. Each row's outcome is written as soon as it is known (for "sent": right after
    the server accepted its DATA) by one autocommitted ``UPDATE``, so the at-least-once window
    stays one small statement per row. A failure of one row never affects the others. With a
    ``deadline`` (``time.monotonic()``), rows not yet started when it passes — or after Celery's
    soft time limit interrupted a send — are released (due again, the attempt not counted).
    """
    outcomes = dict.fromkeys(ids, "skipped")
    claimed = claim_batch(ids)
    if not claimed:
        return outcomes
    rows, related = _load(claimed)
    try:
        with _outcome_connection() as connection, channels.reused_connections(), \
                rendering.link_context():
            stopped = False
            for row in rows:
                attempt = claimed[row.id]
                if stopped or (deadline is not None and time.monotonic() > deadline):
                    stopped = True
                    release(row.id, attempt, connection=connection)
                    outcomes[row.id] = "released"
                    continue
                outcomes[row.id], stopped = _attempt(row, attempt, connection)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()  # ends the session's transaction (the renders only read)
    del related
    return outcomes


def _load(claimed: dict[int, int]) -> tuple[list[Notification], list[object]]:
    """The claimed rows, and their recipients and applications (to keep), in three queries."""
    rows = list(db.session.scalars(
        sa.select(Notification).where(Notification.id.in_(list(claimed))).order_by(Notification.id)
    ))
    return rows, rendering.preload(rows)


@contextmanager
def _outcome_connection() -> Iterator[sa.Connection | None]:
    """One AUTOCOMMIT connection for a batch's outcome writes, so that writing an outcome neither
    commits the session (which would expire every loaded row and recipient) nor checks a
    connection out of the pool, pings it and begins a transaction each time.

    None — the outcomes then go through the session, committed each time — when the session is
    bound to a connection rather than an engine (an outer transaction that owns the work, e.g.
    the test suite's), and on SQLite (``make run``): it has one writer, and a second connection
    would wait for the session's own transaction.
    """
    bind = db.session.get_bind()
    if not isinstance(bind, sa.Engine) or bind.dialect.name == "sqlite":
        yield None
        return
    with bind.connect() as connection:
        yield connection.execution_options(isolation_level="AUTOCOMMIT")


def _attempt(row: Notification, attempt: int,
             connection: sa.Connection | None) -> tuple[str, bool]:
    """Send one claimed row and record the outcome; also says whether the batch must stop."""
    notification_id = row.id
    try:
        channels.send(row)
    except Exception as exc:  # every failure is recorded on the row; none may escape the claim
        db.session.rollback()
        permanent = isinstance(exc, channels.PermanentFailure)
        log.warning("notification %s attempt %s failed: %s", notification_id, attempt, exc)
        status = mark_failed(notification_id, attempt, _describe(exc), permanent=permanent,
                             connection=connection)
        return status, isinstance(exc, SoftTimeLimitExceeded)
    mark_sent(notification_id, attempt, connection=connection)
    return "sent", False


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"
