"""Beat may run twice (celery-redbeat): two real ``celery beat`` processes on a real Redis never
double a sweep, and the second takes over when the first is killed. A beat started while Redis
is down waits for it. The sweeps are idempotent anyway: two reminder sweeps at once remind
once."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.notifications import reminders
from app.notifications.celery_app import celery_config
from app.notifications.models import Notification
from tests.notifications.factories import make_world
from tests.notifications.stack import (
    ROOT,
    RedisServer,
    redis_server_available,
    wait_for,
    worker_env,
)
from tests.support import services

pytestmark = [pytest.mark.redis, pytest.mark.slow]

INTERVAL = 1.0  # seconds between two relays
LOCK_TIMEOUT = 3
SENT = re.compile(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/MainProcess\] "
                  r"Scheduler: Sending due task notifications-relay ")


class Beat:
    """One ``celery -A worker beat`` process with its own working directory and log."""

    def __init__(self, env: dict[str, str], directory: Path, name: str) -> None:
        self.directory = directory / name
        self.directory.mkdir()
        self.logfile = self.directory / "beat.log"
        command = [sys.executable, "-m", "celery", "-A", "worker", "beat", "--loglevel", "INFO",
                   "-s", str(self.directory / "schedule")]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env,
                                        stdout=self.logfile.open("wb"), stderr=subprocess.STDOUT)

    def sends(self) -> list[datetime]:
        text = self.logfile.read_text(errors="replace")
        return [datetime.strptime(m, "%Y-%m-%d %H:%M:%S,%f") for m in SENT.findall(text)]

    def started(self) -> bool:
        return "beat: Starting..." in self.logfile.read_text(errors="replace")

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no lock release, no goodbye
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


class Beats:
    """Starts beats (``beats("a")``) against one private Redis (``beats.redis``)."""

    def __init__(self, redis_server: RedisServer, directory: Path) -> None:
        self.redis = redis_server
        self.directory = directory
        self.started: list[Beat] = []
        self.env = worker_env(database_url=f"sqlite:///{directory / 'unused.db'}",
                              redis_url=redis_server.url, smtp_port=25, extra={
                                  "NOTIFY_RELAY_INTERVAL_SECONDS": str(INTERVAL),
                                  "NOTIFY_REQUEUE_INTERVAL_SECONDS": "3600",
                                  "NOTIFY_BEAT_LOCK_TIMEOUT": str(LOCK_TIMEOUT),
                              })

    def __call__(self, name: str) -> Beat:
        beat = Beat(self.env, self.directory, name)
        self.started.append(beat)
        return beat


@pytest.fixture
def beats(tmp_path):
    services.need("redis-server", redis_server_available())
    with RedisServer(tmp_path) as redis_server:
        started = Beats(redis_server, tmp_path)
        try:
            yield started
        finally:
            for beat in started.started:
                beat.stop()


def gaps(times: list[datetime]) -> list[float]:
    ordered = sorted(times)
    return [(b - a).total_seconds() for a, b in zip(ordered, ordered[1:], strict=False)]


def test_beat_uses_the_redis_lock_only_with_redis():
    assert celery_config({"REDIS_URL": "redis://x/0"})["beat_scheduler"] == (
        "app.notifications.beat.LockedScheduler")
    assert "beat_scheduler" not in celery_config({"REDIS_URL": None})


def test_two_beats_send_each_sweep_once_per_interval(beats):
    first, second = beats("a"), beats("b")
    wait_for(lambda: len(first.sends() + second.sends()) >= 8, timeout=120,
             what="eight relays sent")
    time.sleep(2 * INTERVAL)
    a, b = first.sends(), second.sends()
    assert not (a and b), "both beats sent"
    assert min(gaps(a + b)) >= 0.5 * INTERVAL, gaps(a + b)


def test_a_second_beat_takes_over_when_the_first_is_killed(beats):
    first = beats("a")
    wait_for(lambda: len(first.sends()) >= 2, timeout=120, what="the first beat to send")
    second = beats("b")
    wait_for(second.started, timeout=120, what="the second beat to start")
    time.sleep(3 * INTERVAL)
    assert second.sends() == [], "the second beat sent while the first held the lock"
    first.kill()
    last = max(first.sends())
    wait_for(lambda: len(second.sends()) >= 3, timeout=120, what="the second beat to take over")
    taken = min(second.sends())
    assert taken > last
    # the lock expires LOCK_TIMEOUT after its last renewal; the waiter retries every
    # max_loop_interval (LOCK_TIMEOUT / 5); generous slack for a loaded 2-core machine
    assert (taken - last).total_seconds() <= LOCK_TIMEOUT + 10
    assert min(gaps(first.sends() + second.sends())) >= 0.5 * INTERVAL


def test_a_beat_started_while_redis_is_down_sends_once_it_is_back(beats):
    beats.redis.stop()
    beat = beats("a")
    wait_for(beat.started, timeout=120, what="the beat to start")
    time.sleep(3 * INTERVAL)  # it ticks without Redis: creating the scheduler ended it before
    assert beat.process.poll() is None, beat.logfile.read_text(errors="replace")[-3000:]
    beats.redis.start()  # empty: no lock, no schedule entries
    wait_for(lambda: len(beat.sends()) >= 3, timeout=120, what="the beat to send")
    assert min(gaps(beat.sends())) >= 0.5 * INTERVAL


@pytest.mark.postgres
def test_two_reminder_sweeps_at_once_remind_once(pg_committing_app):
    app = pg_committing_app
    with app.app_context():
        from app.demo import ensure_reference_data

        ensure_reference_data()
        db.session.commit()
        world = make_world()
        world.task.due_dt = utcnow() - timedelta(hours=1)
        db.session.commit()
        task_id = world.task.id
        db.session.remove()
    start, results = threading.Barrier(2), []

    def sweep() -> None:
        with app.app_context():
            start.wait()
            results.append(reminders.remind_overdue_tasks(utcnow()))
            db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [0, 1]
    with app.app_context():
        reminded = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.template == "task_overdue", Notification.channel == "inapp",
            Notification.event_key == f"reminder:task:{task_id}:overdue"))
        assert reminded == 1
