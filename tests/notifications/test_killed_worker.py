"""A worker SIGKILLed during a 200-message run strands nothing it had not started: the batches
it had not begun wait in Redis (no prefetch), the batch it was sending comes back after its
lease, and each message goes out exactly once within 60 s of the restart.

The worker has one process, held in the first send's DATA when it is killed: so nothing else is
between an accepted DATA and its "sent" commit at that moment (the one at-least-once window,
README.md), and a worker that prefetched would hold the next batch unstarted. The claim deadline
of a published row is the production one (600 s). A batch stranded all the same would still come
back, through the idle sweep (``requeue_lost``: nothing waits in Redis and the rows were published
NOTIFY_REQUEUE_IDLE_SECONDS ago) or the visibility timeout, so the queue is counted at the kill."""

from __future__ import annotations

import time

import pytest
import redis
from celery import Celery

from app.extensions import db
from app.notifications.celery_app import DELIVER_BATCH
from app.notifications.settings import DEFAULTS
from app.notifications.task_names import DELIVERY_QUEUE
from tests.notifications.stack import Worker, wait_for
from tests.notifications.test_worker import commit_digests, statuses
from tests.support.factories import create_applicant

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
COUNT = 200
BATCH = int(DEFAULTS["NOTIFY_DELIVERY_BATCH"])  # rows per delivery message


def test_a_killed_worker_strands_no_unstarted_batch(stack, tmp_path):
    env = {**stack.worker.env, "NOTIFY_REQUEUE_AFTER_SECONDS": "600"}
    worker = Worker(env, tmp_path / "w", concurrency=1)
    worker.directory.mkdir()
    with stack.app.app_context():
        user_id = create_applicant().id
    assert commit_digests(stack.app, user_id, range(COUNT)) == COUNT
    stack.mailbox.hold_next.set()  # the first send hangs in DATA, never accepted
    try:
        worker.start()
        wait_for(stack.mailbox.holding.is_set, what="the first send to reach DATA")
        time.sleep(1)  # a worker that prefetches takes its next batch now, while its one
        # process is held: a second process would be sending the other batches, and a kill
        # could land between a send and its "sent" commit (at-least-once, not what is tested)
        worker.kill()
        # the batches it had not started are still in the queue: none sat prefetched in the
        # killed worker (unacknowledged, back only after the visibility timeout)
        waiting = redis.Redis.from_url(stack.redis.url).llen(DELIVERY_QUEUE)
        assert waiting == COUNT // BATCH - 1, f"{waiting} batches waiting in Redis"
        stack.mailbox.release.set()

        worker.start()
        wait_for(worker.ready, timeout=120, what="the restarted worker")
        wait_for(lambda: statuses(stack.app, "test:bulk:") == {"sent": COUNT}, timeout=60,
                 interval=0.5, what="all 200 sent within 60 s of the restart")
        counts = stack.mailbox.events()
        assert [counts[f"test:bulk:{n:03d}"] for n in range(COUNT)] == [1] * COUNT

        # a late redelivery of every old message (as the broker or a sweep might) sends nothing
        before = succeeded(worker)
        with stack.app.app_context():
            ids = [row[0] for row in db.session.execute(
                db.text("SELECT id FROM notifications WHERE event_key LIKE 'test:bulk:%'"))]
        broker = Celery(broker=stack.redis.url)
        for start in range(0, len(ids), 50):
            broker.send_task(DELIVER_BATCH, args=(ids[start:start + 50],), queue="notifications")
        wait_for(lambda: succeeded(worker) >= before + 4, timeout=60,
                 what="the redelivered batches to run")
        assert stack.mailbox.events() == counts
    finally:
        worker.stop()


def succeeded(worker: Worker) -> int:
    log = (worker.directory / f"worker-{worker.runs}.log").read_text(errors="replace")
    return sum(1 for line in log.splitlines()
               if f"Task {DELIVER_BATCH}[" in line and "succeeded in" in line)
