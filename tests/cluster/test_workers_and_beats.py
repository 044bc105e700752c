"""Two Celery workers and two beats of one deployment (tests/cluster/harness.py, PgBouncer in
transaction mode, a private Redis, a real SMTP server): kill -9 one worker and the beat holding
the lock while 500 notifications are pending; each is delivered, once, and the relay sweep runs
once per interval throughout."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import sqlalchemy as sa

from app import create_app
from app.accounts.models import User
from app.extensions import db
from app.notifications.models import Notification
from tests.cluster.harness import Cluster, tools_available
from tests.conftest import TEMPLATE_DB, make_config
from tests.notifications.stack import FAST_SETTINGS, SMTPServer, wait_for
from tests.notifications.test_beat_lock import SENT, gaps
from tests.notifications.test_worker import digest
from tests.support import databases, services
from tests.support.factories import create_applicant

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

PENDING = 500
INTERVAL = 1.0
PREFIX = "cluster:pending:"


@pytest.fixture
def deployment(template_url, backend):
    services.need("PostgreSQL", backend == "postgresql")
    services.need("haproxy, pgbouncer and redis-server", tools_available())
    name = databases.clone_name()
    direct = databases.create_pg_database(name, template=TEMPLATE_DB)
    seed = create_app(make_config(direct))
    try:
        with SMTPServer() as smtp:
            settings = {**FAST_SETTINGS, "NOTIFY_RELAY_INTERVAL_SECONDS": str(INTERVAL),
                        "NOTIFY_BEAT_LOCK_TIMEOUT": "3", "NOTIFY_REQUEUE_AFTER_SECONDS": "5",
                        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                        "MAIL_PORT": str(smtp.port), "PUBLIC_BASE_URL": "http://sibantu.test"}
            with Cluster(name, web_hosts=0, extra_env=settings) as cluster:
                yield seed, cluster, smtp.mailbox
    finally:
        with seed.app_context():
            db.session.remove()
            db.engine.dispose()
        databases.drop_pg_database(name)


def pending(app) -> None:
    with app.app_context():
        users = [create_applicant() for _ in range(25)]
        db.session.commit()
        for n in range(PENDING):
            digest(f"{PREFIX}{n:03d}", db.session.get(User, users[n % 25].id))
        db.session.commit()


def sent(app) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.event_key.like(f"{PREFIX}%"), Notification.channel == "email",
            Notification.status == "sent"))
        db.session.remove()
        return count


def relay_sends(beat) -> list:
    from datetime import datetime

    return [datetime.strptime(m, "%Y-%m-%d %H:%M:%S,%f") for m in SENT.findall(beat.text())]


def test_killing_a_worker_and_the_beat_loses_and_doubles_nothing(deployment):
    app, cluster, mailbox = deployment
    mailbox.delay = 0.05  # a slow server: the kill lands mid-stream
    pending(app)
    workers = [cluster.start_worker(n) for n in range(2)]
    beats = [cluster.start_beat(n) for n in range(2)]
    wait_for(lambda: len(mailbox.events()) >= 60, timeout=180, what="deliveries to begin")

    holder = next(b for b in beats if relay_sends(b))
    workers[0].kill()
    holder.kill()
    killed_at = len(mailbox.events())
    assert killed_at < PENDING, "everything was delivered before the kill"
    survivor = next(b for b in beats if b is not holder)

    wait_for(lambda: sent(app) == PENDING, timeout=300, what="every notification sent")
    time.sleep(2 * INTERVAL)
    events = mailbox.events()
    delivered = Counter({k: v for k, v in events.items() if k.startswith(PREFIX)})
    assert len(delivered) == PENDING
    # at-least-once has one documented window (app/notifications/delivery.py): a message the
    # server accepted just before its "sent" mark commits. Only the killed worker's processes
    # (concurrency 2) can have been in it; everything else arrives exactly once.
    doubled = {k: v for k, v in delivered.items() if v > 1}
    assert len(doubled) <= 2 and all(v == 2 for v in doubled.values()), doubled

    assert relay_sends(survivor), "the second beat never took over"
    assert min(gaps(relay_sends(holder) + relay_sends(survivor))) >= 0.5 * INTERVAL
    assert workers[1].alive() and survivor.alive()
