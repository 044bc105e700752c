"""The embedded relay: without a broker (``make run``), the outbox is delivered in-process.

After a transaction that wrote outbox rows commits (SQLAlchemy ``after_commit``), the relay is
woken; it never runs inside the request's transaction. Modes (NOTIFY_EMBEDDED):

* ``thread`` (default without REDIS_URL) — one daemon thread per process delivers due rows when
  woken and every NOTIFY_RELAY_INTERVAL_SECONDS (retries), and runs the reminder sweeps.
* ``inline`` — delivered synchronously when the request ends (deterministic, for tests).
* ``off`` (default under TESTING, and whenever REDIS_URL is set) — call
  ``relay.deliver_due()`` yourself, or let Celery do it.
"""

from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, has_request_context
from flask_sqlalchemy.session import Session
from sqlalchemy.orm import SessionTransaction

from app.extensions import db
from app.notifications import reminders
from app.notifications.operations import OUTBOX_DIRTY
from app.notifications.relay import deliver_due
from app.notifications.settings import embedded_mode, setting

log = logging.getLogger(__name__)
EXTENSION = "sibantu.notifications.embedded"
REQUEST_FLAG = "_sibantu_outbox_committed"


def drain() -> None:
    """Deliver everything that is due now, in the current app context."""
    try:
        while deliver_due():
            pass
    except Exception:
        db.session.rollback()
        log.exception("embedded notification relay failed; the rows stay due")


class RelayThread:
    """One background thread per process, started on the first commit that needs it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wake = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self.last_sweep = 0.0

    def committed(self) -> None:
        self.start()
        self.wake.set()

    def start(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="sibantu-notify",
                                               daemon=True)
                self.thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Finish the current round and end the thread (rows left due are delivered later)."""
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            with self.app.app_context():
                self.wake.wait(timeout=setting("NOTIFY_RELAY_INTERVAL_SECONDS"))
                self.wake.clear()
                if self.stopping.is_set():
                    return
                drain()
                self._maybe_sweep()

    def _maybe_sweep(self) -> None:
        if time.monotonic() - self.last_sweep < setting("NOTIFY_REMINDER_INTERVAL_SECONDS"):
            return
        self.last_sweep = time.monotonic()
        try:
            reminders.sweep()
            reminders.send_daily_digests()
        except Exception:
            db.session.rollback()
            log.exception("embedded reminder sweep failed")


class InlineRelay:
    def committed(self) -> None:
        if has_request_context():
            setattr(g, REQUEST_FLAG, True)


def _deliver_after_request(_exc: BaseException | None) -> None:
    if g.pop(REQUEST_FLAG, False):
        drain()


def _after_commit(session: Session) -> None:
    if not session.info.pop(OUTBOX_DIRTY, False) or not has_app_context():
        return
    relay = current_app.extensions.get(EXTENSION)
    if relay is not None:
        relay.committed()


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:  # a rolled-back SAVEPOINT leaves the outer transaction's rows
        session.info.pop(OUTBOX_DIRTY, None)


def _listen() -> None:
    hooks = (("after_commit", _after_commit), ("after_soft_rollback", _after_soft_rollback))
    for name, handler in hooks:
        if not sa.event.contains(Session, name, handler):
            sa.event.listen(Session, name, handler)


def init_app(app: Flask) -> None:
    mode = embedded_mode(app.config)
    _listen()
    if mode == "thread":
        relay = RelayThread(app)
        app.extensions[EXTENSION] = relay
        # Also start on the first request, so rows left due by another process (e.g.
        # `flask demo-data` before `flask run`) are delivered without waiting for a new event.
        app.before_request(relay.start)
    elif mode == "inline":
        app.extensions[EXTENSION] = InlineRelay()
        app.teardown_request(_deliver_after_request)
