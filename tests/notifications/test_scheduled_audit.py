"""The daily audit checkpoint (and the virus rescan) are scheduled by beat, run by the worker.

``audit.daily_checkpoint`` (app/audit/tasks.py) once existed as a task that no beat entry sent
and no worker had registered: outside checkpoints were only ever written by hand. Here a real
``celery -A worker worker`` process (private Redis, PostgreSQL) receives the task by name, as
beat sends it, and signs the chain head into the database and the outside directory.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from celery import Celery

from app.audit.models import AuditCheckpoint
from app.extensions import db
from app.notifications.celery_app import celery_config
from tests.audit.conftest import AUDIT_KEYS, append_events
from tests.notifications.stack import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def test_beat_sends_the_audit_checkpoint_daily_at_the_configured_hour(app):
    entry = celery_config({**app.config, "AUDIT_CHECKPOINT_HOUR": 3})["beat_schedule"][
        "audit-daily-checkpoint"]
    assert entry["task"] == "audit.daily_checkpoint"
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {30}
    routes = celery_config(app.config)["task_routes"]
    assert routes["audit.*"] == routes["documents.*"] == {"queue": "sweeps"}
    rescan = celery_config({**app.config, "CLAMD_RESCAN_SECONDS": 120})["beat_schedule"][
        "documents-rescan-pending"]
    assert rescan["task"] == "documents.rescan_pending" and rescan["schedule"] == 120


def test_the_worker_runs_the_daily_checkpoint_sent_by_name(stack, tmp_path):
    outside = tmp_path / "outside"
    stack.worker.env.update(AUDIT_KEYS, AUDIT_CHECKPOINT_DIR=str(outside))
    stack.app.config.update(AUDIT_KEYS)
    with stack.app.app_context():
        append_events(5)
        db.session.commit()
    stack.worker.start()
    wait_for(stack.worker.ready, timeout=120, what="the worker to be ready")
    registered = stack.worker.log().partition("[tasks]")[2]
    assert "audit.daily_checkpoint" in registered and "documents.rescan_pending" in registered

    sender = Celery(broker=stack.redis.url)
    try:
        sender.send_task("audit.daily_checkpoint", queue="sweeps")
    finally:
        sender.close()

    files = wait_for(lambda: sorted(outside.glob("*.txt")), timeout=60,
                     what=f"the checkpoint file (worker log:\n{stack.worker.log()})")
    with stack.app.app_context():
        seqs = db.session.scalars(sa.select(AuditCheckpoint.seq)).all()
    assert seqs == [5]
    assert [f.name.split("-")[1] for f in files] == ["000000000005"]
    runner = stack.app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify", "--checkpoint", str(outside)]).exit_code == 0
