"""The Celery app of SIBANTU, made from the Flask app (Flask's Celery pattern).

Every setting below is chosen so that a message is never lost; the outbox table stays the
source of truth, so a message the broker does lose is published again by the relay.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask
from kombu import Queue

from app.notifications import embedded, tasks  # noqa: F401  (tasks registers the tasks)
from app.notifications.settings import read
from app.notifications.task_names import DELIVER, DELIVER_BATCH, DELIVERY_QUEUE

QUEUES = (DELIVERY_QUEUE, "sweeps")


def _task_class(app: Flask) -> type[Task]:
    class FlaskTask(Task):
        """Runs every task inside an app context (its own database session, removed after)."""

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    return FlaskTask


def _every(seconds: float, task: str) -> dict[str, Any]:
    # a sweep message older than its interval is dropped: the next one does the same work
    return {"task": task, "schedule": seconds, "options": {"expires": seconds}}


def beat_schedule(config: Any) -> dict[str, Any]:
    return {
        "notifications-relay": _every(read(config, "NOTIFY_RELAY_INTERVAL_SECONDS"),
                                      "notifications.relay"),
        "notifications-requeue-lost": _every(read(config, "NOTIFY_REQUEUE_INTERVAL_SECONDS"),
                                             "notifications.requeue_lost"),
        "notifications-reminders": _every(read(config, "NOTIFY_REMINDER_INTERVAL_SECONDS"),
                                          "notifications.sweep_reminders"),
        # hourly; the task sends each user's digest once per day from NOTIFY_DIGEST_HOUR on,
        # so a beat that was down at that hour still sends it later
        "notifications-daily-digest": {
            "task": "notifications.daily_digest", "schedule": crontab(minute=5),
            "options": {"expires": 3600},
        },
        # uploads kept while clamd was out of reach (CLAMD_SOCKET; a no-op without it)
        "documents-rescan-pending": _every(float(config.get("CLAMD_RESCAN_SECONDS", 300)),
                                           "documents.rescan_pending"),
        # the audit chain's signed checkpoint (app/audit/tasks.py), once a day in Jakarta time;
        # a beat that was down then sends the next day's: one missed day leaves a longer stretch
        # between checkpoints, never an unsigned one (the next checkpoint covers the whole chain)
        "audit-daily-checkpoint": {
            "task": "audit.daily_checkpoint",
            "schedule": crontab(hour=int(config.get("AUDIT_CHECKPOINT_HOUR", 1)), minute=30),
            "options": {"expires": 3600},
        },
    }


def visibility_timeout(config: Any) -> int:
    """NOTIFY_VISIBILITY_TIMEOUT, else the hard time limit of the longest task plus a minute:
    a late-acknowledged sweep of a killed worker runs again minutes later, not an hour."""
    chosen = read(config, "NOTIFY_VISIBILITY_TIMEOUT")
    return int(chosen) if chosen else int(read(config, "NOTIFY_TASK_TIME_LIMIT")) + 60


#: modules of other domains whose tasks the worker runs, imported by name when the worker starts
#: (the web process only publishes, and this wiring needs no import of those domains)
TASK_MODULES = ("app.audit.tasks", "app.applications.tasks")


def celery_config(config: Any) -> dict[str, Any]:
    time_limit = read(config, "NOTIFY_TASK_TIME_LIMIT")
    return {
        "broker_url": config.get("REDIS_URL") or "memory://",
        # ids only, as JSON: nothing pickled, nothing personal in the broker
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        # acknowledge after the task ran, so a worker dying mid-task leaves the message to redo
        "task_acks_late": True,
        # a child process killed mid-task (OOM, SIGKILL) requeues its message instead of acking
        "task_reject_on_worker_lost": True,
        # each process reserves one message at a time: little is in limbo when a worker dies
        "worker_prefetch_multiplier": 1,
        # ... and none while every process is busy: deliveries are acknowledged when they start,
        # so a prefetched batch was unacknowledged *and* unstarted, stranded by a SIGKILL until
        # the visibility timeout; now it waits in Redis for whichever worker is free
        "worker_disable_prefetch": True,
        # Redis hands an unacknowledged message out again after this: longer than any task
        # (time limit below), and no task uses ETA/countdown (beat sweeps retry instead)
        "broker_transport_options": {
            "visibility_timeout": visibility_timeout(config),
            "socket_connect_timeout": 5,
        },
        # a hung SMTP server cannot hold a worker forever; the send lease outlives this
        "task_time_limit": time_limit,
        "task_soft_time_limit": read(config, "NOTIFY_TASK_SOFT_TIME_LIMIT"),
        # keep trying to reach Redis for ever: a worker that gives up stops consuming
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        # no remote control (pidbox): its broadcast consumer is a second channel on the worker's
        # broker connection, and with one, a Redis outage that meets an unacknowledged message
        # ends the worker (kombu restores the message on a channel whose transport Celery's
        # clean-up already cleared: "Unrecoverable error: AttributeError … 'hostname'").
        # Gossip's event consumer is one too: run workers with --without-gossip (and
        # --without-mingle, whose start-up question nobody answers without remote control).
        "worker_enable_remote_control": False,
        # never kill a running send on a broker hiccup (it would turn a sent mail into a resend)
        "worker_cancel_long_running_tasks_on_connection_loss": False,
        # publishing fails fast when Redis is down: the relay rolls back and tries next round
        "task_publish_retry_policy": {
            "max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1,
        },
        # named queues: deliveries never wait behind sweeps and the other way round
        "task_queues": tuple(Queue(name, routing_key=name) for name in QUEUES),
        "task_default_queue": "notifications",
        "task_routes": {DELIVER: {"queue": "notifications"},
                        DELIVER_BATCH: {"queue": "notifications"},
                        "notifications.noop": {"queue": "notifications"},
                        "notifications.*": {"queue": "sweeps"},
                        "audit.*": {"queue": "sweeps"},
                        "documents.*": {"queue": "sweeps"}},
        "imports": TASK_MODULES,
        "timezone": "Asia/Jakarta",
        "enable_utc": True,
        "beat_schedule": beat_schedule(config),
        "beat_schedule_filename": read(config, "NOTIFY_BEAT_SCHEDULE_FILE")
        or "celerybeat-schedule",
        **beat_lock(config),
    }


def beat_lock(config: Any) -> dict[str, Any]:
    """With Redis: the schedule (each entry's last run) and a lock in Redis (celery-redbeat).

    Any number of beat processes may run; the one holding the lock sends, the others wait and
    one takes over when the holder stops renewing (dies). A new holder continues from the last
    runs recorded in Redis, so no sweep is sent twice for one interval.
    """
    if not config.get("REDIS_URL"):
        return {}
    lock_timeout = read(config, "NOTIFY_BEAT_LOCK_TIMEOUT")
    return {
        "beat_scheduler": "app.notifications.beat.LockedScheduler",
        "redbeat_redis_url": config["REDIS_URL"],
        # a Redis that stops answering fails a tick instead of hanging the beat in it for good
        "redbeat_redis_options": {"socket_connect_timeout": 5, "socket_timeout": 5},
        "redbeat_key_prefix": read(config, "NOTIFY_BEAT_KEY_PREFIX"),
        "redbeat_lock_timeout": int(max(lock_timeout, 2)),
        # the lock is renewed on every tick: tick several times within its lifetime
        "beat_max_loop_interval": max(lock_timeout / 5, 0.2),
    }


def init_app(app: Flask) -> Celery:
    """Create the Celery app in ``app.extensions["celery"]``; set up the embedded relay."""
    celery = Celery(app.import_name, task_cls=_task_class(app))
    celery.conf.update(celery_config(app.config))
    celery.set_default()
    app.extensions["celery"] = celery
    embedded.init_app(app)
    return celery
