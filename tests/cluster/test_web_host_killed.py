"""kill -9 one of two web hosts during 200 concurrent API submissions through HAProxy: every
submission is accepted (a client retries a dropped request under its Idempotency-Key), none is
lost, none is doubled, and the audit chain verifies."""

from __future__ import annotations

import threading
import time

import pytest
import requests
import sqlalchemy as sa

from app.accounts.models import User
from app.api.tokens import issue_token
from app.applications.models import Application, Decision
from app.audit.verify import verify_chain
from app.extensions import db
from bench.world import open_sanitren, submit_drafts

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

OWNERS, PER_OWNER = 20, 10
RETRYABLE = {502, 503, 504}


def tokens_for(app, owners: list[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
    with app.app_context():
        result = []
        for email, ids in owners:
            user = db.session.scalar(sa.select(User).where(User.email == email))
            _, token = issue_token(user, "applicant")
            result.append((token, ids))
        db.session.commit()
        return result


RETRIED: list[int] = []
# a dropped connection can surface as a refused or reset connection, a read that never ends or a
# response cut off mid-body: each is retried under the same key
TRANSPORT_ERRORS = (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError)


def submit(base: str, token: str, application_id: int) -> int:
    """The client every integrator should write: one key per intended submission, retried on a
    dropped connection or a gateway error."""
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"submit-{application_id}"}
    for _ in range(20):
        try:
            response = requests.post(f"{base}/api/v1/applications/{application_id}/submit",
                                     headers=headers, timeout=120)
        except TRANSPORT_ERRORS:
            RETRIED.append(application_id)
            time.sleep(0.5)
            continue
        if response.status_code not in RETRYABLE:
            return response.status_code
        RETRIED.append(application_id)
        time.sleep(0.5)
    return -1


def test_a_web_host_killed_mid_submissions_loses_and_doubles_nothing(cluster):
    app = cluster.seed
    from app.demo import ensure_reference_data

    with app.app_context():
        ensure_reference_data()
        db.session.commit()
    open_sanitren(app)
    clients = tokens_for(app, submit_drafts(app, OWNERS, PER_OWNER))
    outcomes: dict[int, int | str] = {}
    lock = threading.Lock()

    def run(token: str, ids: list[int]) -> None:
        for application_id in ids:
            try:
                status: int | str = submit(cluster.url, token, application_id)
            except Exception as exc:  # shown in the assertion below, not lost with the thread
                status = f"{type(exc).__name__}: {exc}"
            with lock:
                outcomes[application_id] = status

    threads = [threading.Thread(target=run, args=c, daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    while len(outcomes) < 40 and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    cluster.web[0].kill()  # SIGKILL the whole gunicorn of host 0, requests in flight and all
    killed_after = len(outcomes)
    for thread in threads:
        thread.join(timeout=600)

    assert killed_after < OWNERS * PER_OWNER, "every submission finished before the kill"
    print(f"killed after {killed_after} submissions; {len(RETRIED)} requests retried")
    assert len(outcomes) == OWNERS * PER_OWNER
    refused = {k: v for k, v in outcomes.items() if not (isinstance(v, int) and 200 <= v < 300)}
    assert refused == {}, refused
    ids = list(outcomes)
    with app.app_context():
        stages = dict(db.session.execute(sa.select(Application.id, Application.stage).where(
            Application.id.in_(ids))).all())
        assert [i for i, stage in stages.items() if stage == "draft"] == []
        submits = dict(db.session.execute(
            sa.select(Decision.application_id, sa.func.count()).where(
                Decision.application_id.in_(ids), Decision.from_stage == "draft")
            .group_by(Decision.application_id)).all())
        assert sorted(set(submits.values())) == [1] and len(submits) == len(ids)
        assert verify_chain(db.session).ok
        db.session.remove()
