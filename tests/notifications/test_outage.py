"""Redis stopped under a running deployment: gunicorn (2 processes), a Celery worker with beat,
a private redis-server, real PostgreSQL and SMTP. API calls, portal logins and submissions made
while Redis is down all succeed (rate limits counted in memory per process, one warning each);
the outbox delivers every notification once after Redis returns."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import requests
import sqlalchemy as sa

from app.api.tokens import issue_token
from app.extensions import db
from app.notifications.models import Notification
from tests.notifications.stack import ROOT, wait_for
from tests.support.factories import PASSWORD
from tests.support.programs import new_applicant_with_pesantren, open_program, sanitren_draft
from tests.support.services import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def prepare(app, count: int) -> list[tuple[str, str, int]]:
    """``count`` applicants, each with a complete SANITREN draft and an API token."""
    from app.demo import ensure_reference_data

    with app.app_context():
        ensure_reference_data()
        open_program("sanitren")
        db.session.commit()
        people = []
        for _ in range(count):
            user, organization = new_applicant_with_pesantren()
            draft = sanitren_draft(user, organization)
            _, token = issue_token(user, "applicant")
            db.session.commit()
            people.append((user.email, token, draft.id))
        return people


def serve(env: dict[str, str], directory) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(directory / "gunicorn.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         "app:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return requests.get(base + "/healthz", timeout=15).status_code == 200
        except requests.RequestException:
            return False

    wait_for(up, timeout=60, what="gunicorn to answer")
    return process, base


def log_in(base: str, email: str) -> int:
    session = requests.Session()
    token = CSRF.search(session.get(base + "/masuk", timeout=10).text).group(1)
    response = session.post(base + "/masuk", timeout=30, allow_redirects=False,
                             data={"csrf_token": token, "email": email, "password": PASSWORD})
    return response.status_code


def email_statuses(app) -> dict[str, int]:
    with app.app_context():
        query = (sa.select(Notification.status, sa.func.count())
                 .where(Notification.channel == "email").group_by(Notification.status))
        return dict(db.session.execute(query).all())


def test_requests_succeed_while_redis_is_down_and_mail_follows(stack, tmp_path):
    people = prepare(stack.app, 4)
    server, base = serve(stack.worker.env, tmp_path)
    try:
        stack.worker.start()
        wait_for(stack.worker.ready, timeout=120, what="the worker to be ready")
        stack.redis.stop()

        statuses = []
        for email, token, draft_id in people:
            bearer = {"Authorization": f"Bearer {token}"}
            for _ in range(10):
                statuses.append(requests.get(base + "/api/v1/me", headers=bearer,
                                             timeout=30).status_code)
            statuses.append(log_in(base, email))
            statuses.append(requests.post(f"{base}/api/v1/applications/{draft_id}/submit",
                                          headers=bearer, timeout=60).status_code)
        health = requests.get(base + "/healthz", timeout=10)
        assert [s for s in statuses if s >= 500] == [], statuses
        assert statuses.count(302) == len(people)  # every login went through
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        assert health.json()["rate_limit"] == "memory_fallback"
        assert email_statuses(stack.app).get("sent") is None  # nothing left while Redis was down

        stack.redis.start()
        try:
            wait_for(lambda: set(email_statuses(stack.app)) == {"sent"}, timeout=180,
                     interval=0.5, what="every e-mail sent after Redis returned")
        except AssertionError as late:  # say where the rows stand, for whoever reads the failure
            raise AssertionError(f"{late}; e-mail rows by status: {email_statuses(stack.app)}; "
                                 f"worker log (end): {stack.worker.log()[-3000:]}") from None
        sent = email_statuses(stack.app)["sent"]
        assert sent >= len(people)
        keys = [(m["X-SIBANTU-Event"], m["To"]) for m in stack.mailbox.messages]
        assert len(keys) == sent and len(set(keys)) == sent  # each once
    finally:
        server.terminate()
        server.wait(timeout=30)
    gunicorn_log = (tmp_path / "gunicorn.log").read_text(errors="replace")
    # one warning per process and outage, not one per request
    assert gunicorn_log.count("falling back to in-memory storage") <= 2, gunicorn_log[-3000:]
