"""Twenty threads appending at once, each in its own app context and session with real commits,
leave one unbroken chain: the advisory lock serialises the head read and the insert."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.operations import make_checkpoint, record
from app.audit.verify import verify_chain
from app.extensions import db

pytestmark = pytest.mark.postgres
THREADS, EACH = 20, 10


def _append(app, worker: int, start: threading.Barrier, errors: list) -> None:
    try:
        with app.app_context():
            start.wait()
            for n in range(EACH):
                record("test.concurrent", object_type="worker", object_id=worker,
                       summary={"n": n})
                if n == EACH // 2 and worker % 5 == 0:
                    make_checkpoint()  # checkpoints race with appends too
                db.session.commit()
            db.session.remove()
    except Exception as exc:  # reported by the test thread
        errors.append(exc)


def test_concurrent_appends_form_one_chain(pg_app):
    start, errors = threading.Barrier(THREADS), []
    threads = [
        threading.Thread(target=_append, args=(pg_app, w, start, errors)) for w in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with pg_app.app_context():
        result = verify_chain(db.session)
        per_worker = dict(db.session.execute(
            sa.select(AuditEvent.object_id, sa.func.count()).group_by(AuditEvent.object_id)
        ).tuples().all())
    assert result.ok, result.describe()
    assert result.checked == THREADS * EACH and result.checkpoints >= 1
    assert per_worker == {str(w): EACH for w in range(THREADS)}
