"""Benchmark of the notification pipeline (not a test).

    .venv/bin/python -m bench.notifications --count 1000 [--concurrency 2] [--mail-backend file]

Starts a private redis-server, an SMTP server (aiosmtpd, in this process) and one Celery worker
process (``celery -A worker worker -B``) on a scratch PostgreSQL database, then measures with
that same worker:

  * baseline: a bare ``apply_async`` loop of N no-op tasks, from the first publish until the
    worker has run them all (each no-op only increments a Redis counter so we can see the end);
  * outbox: N committed outbox rows (e-mail channel), from the commit until every row is
    marked sent — relay (beat), publish, claim, render, SMTP (or .eml file), mark sent.

Prints both rates and their ratio. Connection: the TEST_PG_* variables, as for ``make test``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa

from tests.conftest import make_config
from tests.notifications.stack import RedisServer, SMTPServer, Worker, wait_for, worker_env
from tests.support import databases

BENCH_SETTINGS = {"NOTIFY_RELAY_INTERVAL_SECONDS": "0.2", "NOTIFY_RELAY_BATCH": "500",
                  "NOTIFY_TASK_TIME_LIMIT": "60", "NOTIFY_TASK_SOFT_TIME_LIMIT": "50",
                  "NOTIFY_SEND_LEASE_SECONDS": "120", "NOTIFY_REQUEUE_AFTER_SECONDS": "120"}


def make_app(database_url: str, redis_url: str) -> Any:
    from flask_migrate import upgrade

    from app import create_app

    app = create_app(make_config(database_url, REDIS_URL=redis_url))
    with app.app_context():
        upgrade()
    return app


def bare_apply_async(app: Any, redis_url: str, count: int) -> float:
    """Tasks per second of a plain publishing loop of no-op tasks, until all have run."""
    client = redis.Redis.from_url(redis_url)
    key = f"bench:noop:{time.monotonic_ns()}"
    task = app.extensions["celery"].tasks["notifications.noop"]
    started = time.perf_counter()
    for _ in range(count):
        task.apply_async(args=(key,))
    wait_for(lambda: int(client.get(key) or 0) >= count, timeout=600, interval=0.02,
             what="the no-op tasks")
    return count / (time.perf_counter() - started)


def commit_outbox(app: Any, count: int, run: str) -> int:
    from app.extensions import db
    from app.notifications.operations import notify
    from tests.support.factories import create_applicant

    context = {"counts": {"open": 1, "overdue": 0}, "day": date.today().isoformat()}
    with app.app_context():
        user = create_applicant()
        for n in range(count):
            notify(f"bench:{run}:{n}", "daily_digest", [user], context=context)
        db.session.commit()
        return user.id


def sent_count(app: Any, run: str) -> int:
    from app.extensions import db
    from app.notifications.models import Notification

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).where(
            Notification.event_key.like(f"bench:{run}:%"), Notification.channel == "email",
            Notification.status == "sent"))


def outbox_to_delivered(app: Any, count: int) -> float:
    """Rows per second from the commit of N outbox rows until all are marked sent."""
    run = str(time.monotonic_ns())
    commit_outbox(app, count, run)
    started = time.perf_counter()
    wait_for(lambda: sent_count(app, run) >= count, timeout=1200, interval=0.05,
             what="the outbox rows")
    return count / (time.perf_counter() - started)


def run(count: int, concurrency: int, mail_backend: str) -> None:
    name = f"sibantu_bench_{int(time.time())}"
    url = databases.create_pg_database(name)
    directory = Path(tempfile.mkdtemp(prefix="sibantu-bench-"))
    try:
        with RedisServer(directory) as broker, SMTPServer() as smtp:
            app = make_app(url, broker.url)
            extra = {**BENCH_SETTINGS, "MAIL_BACKEND": mail_backend,
                     "MAIL_FILE_DIR": str(directory / "mail")}
            env = worker_env(database_url=url, redis_url=broker.url, smtp_port=smtp.port,
                             extra=extra)
            worker = Worker(env, directory, concurrency=concurrency)
            worker.start()
            try:
                wait_for(worker.ready, timeout=120, what="the worker")
                bare_apply_async(app, broker.url, 50)  # warm-up
                outbox_to_delivered(app, 20)
                report(count, concurrency, mail_backend,
                       bare_apply_async(app, broker.url, count), outbox_to_delivered(app, count))
            finally:
                worker.stop()
                with app.app_context():
                    from app.extensions import db

                    db.engine.dispose()
    finally:
        databases.drop_pg_database(name)


def report(count: int, concurrency: int, backend: str, bare: float, outbox: float) -> None:
    print(f"notifications: N={count}, worker concurrency={concurrency}, mail backend={backend}")
    print(f"  bare apply_async no-op loop : {bare:8.1f} tasks/s")
    print(f"  outbox -> delivered         : {outbox:8.1f} notifications/s")
    print(f"  ratio outbox / bare         : {outbox / bare:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--mail-backend", choices=("smtp", "file"), default="smtp")
    args = parser.parse_args()
    run(args.count, args.concurrency, args.mail_backend)


if __name__ == "__main__":
    main()
