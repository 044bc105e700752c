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
import time
from datetime import date

from pyinstrument import Profiler

from tests.conftest import make_config
from tests.notifications.stack import SMTPServer
from tests.support import databases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--mode", choices=("single", "batch"), default="batch")
    parser.add_argument("--html")
    parser.add_argument("--plain", action="store_true", help="time only, no profiler")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    name = f"sibantu_profile_notify_{int(time.time())}"
    url = databases.create_pg_database(name)
    try:
        with SMTPServer() as smtp:
            app = create_app(make_config(url, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1",
                                         MAIL_PORT=smtp.port))
            with app.app_context():
                upgrade()
                ids = prepare(args.count)
                run(ids, args.mode, args.html, plain=args.plain)
                assert len(smtp.mailbox.messages) == args.count, len(smtp.mailbox.messages)
                db.engine.dispose()
    finally:
        databases.drop_pg_database(name)


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
