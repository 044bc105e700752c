"""Celery tasks. Payloads are ids only (JSON); each task runs in an app context (celery_app.py).

Deliveries go to the ``notifications`` queue; relay, requeue and reminder sweeps to ``sweeps``,
scheduled by the beat holding the lock in Redis (beat.py).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from functools import cache

import redis
from celery import shared_task
from flask import current_app
from kombu.exceptions import ChannelError, OperationalError

from app.db import utcnow
from app.notifications import delivery, relay, reminders
from app.notifications.settings import setting
from app.notifications.task_names import DELIVER, DELIVER_BATCH, DELIVERY_QUEUE


def publish_deliveries(ids: Sequence[int]) -> None:
    """Publish one delivery message per NOTIFY_DELIVERY_BATCH rows over one broker connection."""
    celery = current_app.extensions["celery"]
    task = celery.tasks[DELIVER_BATCH]
    with celery.producer_or_acquire() as producer:
        for batch in delivery.batches(ids):
            task.apply_async(args=(batch,), producer=producer)


@shared_task(name=DELIVER_BATCH, acks_late=False)
def deliver_batch(notification_ids: list[int]) -> dict[str, int]:
    """Deliver a batch of rows; stops starting new sends after half the soft time limit (the
    rows not started are released, due again at once) instead of running into the time limit.

    Acknowledged when it starts, not when it ends (the app default): its first statement
    claims every row with a lease, so a redelivered copy would skip them all anyway — a lost
    worker's rows come back through the lease and ``requeue_lost``, as a lost message's do.
    Holding a batch unacknowledged for seconds also made a Redis outage hit the worker while
    it had an unacknowledged message, which Celery 5.7/kombu survives only with one channel on
    the worker's broker connection ("Unrecoverable error: … 'NoneType' object has no attribute
    'hostname'" while restoring it; see celery_app.py, worker_enable_remote_control)."""
    deadline = time.monotonic() + setting("NOTIFY_TASK_SOFT_TIME_LIMIT") / 2
    outcomes = delivery.deliver_batch(notification_ids, deadline=deadline)
    return dict(Counter(outcomes.values()))


@shared_task(name=DELIVER)
def deliver(notification_id: int) -> str:
    """One row per message: kept for messages published before batches (older releases)."""
    return delivery.deliver(notification_id)


@shared_task(name="notifications.relay")
def relay_outbox() -> int:
    budget = max(setting("NOTIFY_TASK_SOFT_TIME_LIMIT") / 3, 1)
    return relay.relay(publish_deliveries, budget_seconds=budget)


@shared_task(name="notifications.requeue_lost")
def requeue_lost() -> int:
    """Rows whose claim deadline or lease passed; and, when no delivery message waits in Redis,
    rows published NOTIFY_REQUEUE_IDLE_SECONDS ago and still unclaimed: their message is gone
    (a worker takes only what it starts, and claims its rows first thing)."""
    unclaimed_before = None
    if _deliveries_waiting() == 0:
        unclaimed_before = utcnow() - timedelta(seconds=setting("NOTIFY_REQUEUE_IDLE_SECONDS"))
    return len(relay.requeue_lost(publish_deliveries, unclaimed_before=unclaimed_before))


def _deliveries_waiting() -> int | None:
    """Messages waiting in the ``notifications`` queue; None when the broker cannot say."""
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_read() as connection:
            return connection.default_channel.queue_declare(DELIVERY_QUEUE, passive=True)[1]
    except ChannelError:  # Redis drops an empty list: no such queue means nothing waits
        return 0
    except (OSError, redis.RedisError, OperationalError):
        return None


@shared_task(name="notifications.sweep_reminders")
def sweep_reminders() -> dict[str, int]:
    return reminders.sweep()


@shared_task(name="notifications.daily_digest")
def daily_digest() -> int:
    return reminders.send_daily_digests()


@shared_task(name="notifications.noop")
def noop(counter_key: str | None = None) -> None:
    """Does nothing but count itself: the baseline of ``bench/notifications.py``."""
    if counter_key:
        _redis(current_app.config["REDIS_URL"]).incr(counter_key)


@cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)
