"""The notification settings, their defaults, and where each one is read.

``app/config.py`` does not list these yet, so a value comes from ``app.config`` when set there,
else from the environment variable of the same name, else from the default below. Documented in
``app/notifications/README.md``.
"""

from __future__ import annotations

import os
from typing import Any

from flask import current_app

DEFAULTS: dict[str, Any] = {
    # attempts before a row becomes a dead letter
    "NOTIFY_MAX_ATTEMPTS": 5,
    # retry n waits about base * 2**(n-1) seconds (with jitter), never more than the cap
    "NOTIFY_RETRY_BASE_SECONDS": 30.0,
    "NOTIFY_RETRY_MAX_SECONDS": 3600.0,
    # a claimed row is "sending" until then; must be longer than NOTIFY_TASK_TIME_LIMIT
    "NOTIFY_SEND_LEASE_SECONDS": 300.0,
    # a published row not claimed within this time is taken as a lost message and republished
    "NOTIFY_REQUEUE_AFTER_SECONDS": 600.0,
    # ... or within this time when no delivery message waits in Redis: then no message can hold
    # the row any more (workers take nothing they cannot start), so it was lost
    "NOTIFY_REQUEUE_IDLE_SECONDS": 30.0,
    # how often beat looks for such rows (a scan of the in-flight rows; see README.md)
    "NOTIFY_REQUEUE_INTERVAL_SECONDS": 30.0,
    # how often beat runs the relay, and the reminder sweep
    "NOTIFY_RELAY_INTERVAL_SECONDS": 3.0,
    "NOTIFY_REMINDER_INTERVAL_SECONDS": 300.0,
    "NOTIFY_RELAY_BATCH": 200,
    # rows per delivery message (notifications.deliver_batch): claimed in one statement and
    # sent over one SMTP connection; keep a batch well inside NOTIFY_TASK_SOFT_TIME_LIMIT
    "NOTIFY_DELIVERY_BATCH": 50,
    # hard and soft time limits of one delivery task
    "NOTIFY_TASK_TIME_LIMIT": 120,
    "NOTIFY_TASK_SOFT_TIME_LIMIT": 90,
    # Redis redelivers an unacknowledged message after this; unset: NOTIFY_TASK_TIME_LIMIT + 60
    "NOTIFY_VISIBILITY_TIMEOUT": None,
    "NOTIFY_SMTP_TIMEOUT": 30.0,
    "NOTIFY_HTTP_TIMEOUT": 15.0,
    # thread | inline | off — how the outbox is relayed when there is no REDIS_URL
    "NOTIFY_EMBEDDED": None,
    # days before a revision deadline / report due date that the reminder goes out
    "NOTIFY_REVISION_REMIND_DAYS": 2,
    "NOTIFY_REPORT_REMIND_DAYS": 7,
    # a passed revision deadline is reported to the agency by sweeps within this many days
    "NOTIFY_REVISION_LAPSED_DAYS": 7,
    # hours past an SLA due time before the agency head is told
    "NOTIFY_ESCALATE_AFTER_HOURS": 48,
    # local (Asia/Jakarta) hour of the reviewers' daily digest
    "NOTIFY_DIGEST_HOUR": 7,
    # a file with the beat schedule state (celery beat -s)
    "NOTIFY_BEAT_SCHEDULE_FILE": None,
    # with Redis, beat keeps its schedule in Redis under a lock (celery-redbeat): a second beat
    # waits; it takes over at most this long after the first one died (a live beat renews the
    # lock at least five times per period)
    "NOTIFY_BEAT_LOCK_TIMEOUT": 30.0,
    # the Redis keys of the beat schedule and lock (one prefix per deployment sharing a Redis)
    "NOTIFY_BEAT_KEY_PREFIX": "sibantu:beat:",
}


def _coerce(value: Any, default: Any) -> Any:
    if default is None or not isinstance(value, str):
        return value
    return type(default)(value)


def read(config: Any, name: str) -> Any:
    default = DEFAULTS[name]
    if name in config and config[name] is not None:
        return _coerce(config[name], default)
    if os.environ.get(name):
        return _coerce(os.environ[name], default)
    return default


def setting(name: str) -> Any:
    """One notification setting of the current app."""
    return read(current_app.config, name)


def embedded_mode(config: Any) -> str:
    """``off`` with a broker; without one ``thread`` (``make run``) or ``off`` under TESTING."""
    if config.get("REDIS_URL"):
        return "off"
    chosen = read(config, "NOTIFY_EMBEDDED")
    if chosen:
        return str(chosen)
    return "off" if config.get("TESTING") else "thread"
