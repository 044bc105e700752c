"""Profile notification delivery in-process with pyinstrument (not a benchmark; a diagnosis).

    .venv/bin/python -m bench.profile_notifications [--count 300] [--mode single|batch] [--html f]

Scratch PostgreSQL database, an aiosmtpd server in this process, ``MAIL_BACKEND=smtp``. Writes
N e-mail outbox rows with ``notify(...)``, relays them (collecting the ids instead of
publishing), then profiles delivering them: one ``deliver(id)`` per row (``single``, what the
legacy ``notifications.deliver`` task does) or ``deliver_batch(ids)`` per chunk of
``NOTIFY_DELIVERY_BATCH`` rows (``batch``, what ``notifications.deliver_batch`` does).
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
import time
from datetime import date

from pyinstrument import Profiler

from tests.conftest import make_config
from tests.notifications.stack import SMTPServer, wait_for
from tests.support import databases
from tests.support.services import free_port


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--mode", choices=("single", "batch"), default="batch")
    parser.add_argument("--html")
    parser.add_argument("--plain", action="store_true", help="time only, no profiler")
    parser.add_argument("--external-smtp", action="store_true",
                        help="run the SMTP server (aiosmtpd Sink) in its own process, so the "
                             "profile holds the client side only")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    name = f"sibantu_profile_notify_{int(time.time())}"
    url = databases.create_pg_database(name)
    try:
        with ExternalSMTP() if args.external_smtp else SMTPServer() as smtp:
            app = create_app(make_config(url, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1",
                                         MAIL_PORT=smtp.port))
            with app.app_context():
                upgrade()
                ids = prepare(args.count)
                run(ids, args.mode, args.html, plain=args.plain)
                assert sent(ids) == args.count
                if not args.external_smtp:
                    assert len(smtp.mailbox.messages) == args.count, len(smtp.mailbox.messages)
                db.engine.dispose()
    finally:
        databases.drop_pg_database(name)


class ExternalSMTP:
    """``python -m aiosmtpd`` with the Sink handler (accepts and drops every message)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> ExternalSMTP:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
             "-l", f"127.0.0.1:{self.port}"])
        wait_for(self._listening, timeout=30, interval=0.1, what="aiosmtpd to listen")
        return self

    def _listening(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
            return True
        return False

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=30)


def sent(ids: list[int]) -> int:
    import sqlalchemy as sa

    from app.extensions import db
    from app.notifications.models import Notification

    return db.session.scalar(sa.select(sa.func.count()).where(
        Notification.id.in_(ids), Notification.status == "sent"))


def prepare(count: int) -> list[int]:
    from app.extensions import db
    from app.notifications import relay
    from app.notifications.operations import notify
    from tests.support.factories import create_applicant

    user = create_applicant()
    context = {"counts": {"open": 1, "overdue": 0}, "day": date.today().isoformat()}
    for n in range(count):
        notify(f"profile:{n}", "daily_digest", [user], context=context)
    db.session.commit()
    ids: list[int] = []
    while relay.relay_batch(ids.extend):
        pass
    db.session.remove()
    return ids


def run(ids: list[int], mode: str, html: str | None, *, plain: bool = False) -> None:
    from app.notifications import delivery
    from app.notifications.settings import setting

    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    if not plain:
        profiler.start()
    if mode == "single":
        for notification_id in ids:
            delivery.deliver(notification_id)
    else:
        size = setting("NOTIFY_DELIVERY_BATCH")
        for start in range(0, len(ids), size):
            delivery.deliver_batch(ids[start:start + size])
    elapsed = time.perf_counter() - started
    if not plain:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    print(f"{mode}: {len(ids)} rows in {elapsed:.2f} s = {len(ids) / elapsed:.1f} rows/s")
    if html and not plain:
        with open(html, "w") as handle:
            handle.write(profiler.output_html())


if __name__ == "__main__":
    main()
