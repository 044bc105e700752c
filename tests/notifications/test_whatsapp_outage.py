"""The WhatsApp gateway down, then up: a real HTTP server on loopback stands in for the gateway
(``WA_GATEWAY_URL``). While nothing listens (connection refused) and then while it answers 503,
the applicant's submission and inbox work; the worker retries, and the message reaches the
gateway exactly once after it recovers. Real PostgreSQL, Redis, Celery worker and SMTP."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from app.api.tokens import issue_token
from app.extensions import db
from app.notifications.models import Notification
from tests.conftest import post_form
from tests.notifications.stack import wait_for
from tests.support.factories import PASSWORD
from tests.support.programs import new_applicant_with_pesantren, open_program, sanitren_draft
from tests.support.services import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


class Gateway:
    """A WhatsApp gateway on loopback: answers ``busy`` requests with 503, then 200; records
    every request it answered 200 to."""

    def __init__(self, port: int, *, busy: int = 0) -> None:
        self.port, self.busy = port, busy
        self.received: list[dict] = []
        self.refused = 0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if gateway.refused < gateway.busy:
                    gateway.refused += 1
                    self.send_response(503)
                else:
                    gateway.received.append({**body, "key": self.headers["Idempotency-Key"]})
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def whatsapp_row(app, application_id: int) -> Notification | None:
    with app.app_context():
        row = db.session.scalar(sa.select(Notification).where(
            Notification.channel == "whatsapp",
            Notification.event_key.like(f"%{application_id}%")))
        db.session.expunge_all()
        return row


def attempts(app, application_id: int) -> int:
    row = whatsapp_row(app, application_id)
    return row.attempts if row is not None else 0


def prepare(app, gateway_url: str) -> tuple[str, str, int, str]:
    from app.demo import ensure_reference_data

    app.config["WA_GATEWAY_URL"] = gateway_url
    with app.app_context():
        ensure_reference_data()
        open_program("sanitren")
        db.session.commit()
        user, organization = new_applicant_with_pesantren()
        user.phone, user.notify_whatsapp = "0812-3456-7890", True
        draft = sanitren_draft(user, organization)
        _, token = issue_token(user, "applicant")
        db.session.commit()
        return user.email, token, draft.id, draft.number


def test_messages_wait_for_the_gateway_and_are_delivered_once(stack):
    port = free_port()
    gateway = Gateway(port, busy=2)
    url = f"http://127.0.0.1:{port}/send"
    stack.worker.env.update({"WA_GATEWAY_URL": url, "NOTIFY_MAX_ATTEMPTS": "50"})
    email, token, draft_id, number = prepare(stack.app, url)
    stack.worker.start()
    wait_for(stack.worker.ready, timeout=120, what="the worker to be ready")
    try:
        # the gateway is down: the applicant submits and reads the inbox without an error
        client = stack.app.test_client()
        response = client.post(f"/api/v1/applications/{draft_id}/submit",
                               headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert post_form(client, "/masuk", {"email": email, "password": PASSWORD}).status_code \
            == 302
        inbox = client.get("/kotak-masuk")
        assert inbox.status_code == 200 and number in inbox.get_data(as_text=True)

        wait_for(lambda: attempts(stack.app, draft_id) >= 2,
                 what="delivery attempts against the stopped gateway")
        row = whatsapp_row(stack.app, draft_id)
        assert row.status in ("failed", "queued") and "refused" in (row.last_error or "").lower()

        gateway.start()  # back, but busy (503) for its first two requests
        wait_for(lambda: whatsapp_row(stack.app, draft_id).status == "sent", timeout=180,
                 what="the WhatsApp message sent after the gateway returned")
        time.sleep(3)  # several relay and requeue rounds: nothing is sent again
        row = whatsapp_row(stack.app, draft_id)
        assert gateway.refused == 2 and len(gateway.received) == 1
        message = gateway.received[0]
        assert message["to"] == "6281234567890" and number in message["message"]
        assert message["key"] == f"sibantu-notification-{row.id}" and row.attempts >= 4
        assert stack.mailbox.count(row.event_key) == 1  # the e-mail went out while WA was down
    finally:
        gateway.stop()
