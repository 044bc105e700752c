"""Without a broker (``make run``): the outbox is relayed in-process after the commit."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from app.notifications.channels import MAIL_OUTBOX
from app.notifications.embedded import EXTENSION
from app.notifications.models import Notification
from app.notifications.operations import notify, unread_count
from tests.conftest import committing_app_context, post_form
from tests.notifications.stack import wait_for
from tests.support.factories import create_applicant

DIGEST = {"counts": {"open": 1, "overdue": 0}, "day": date(2026, 1, 5).isoformat()}


@pytest.fixture
def inline_app(template_url, backend):
    with committing_app_context(template_url, backend, NOTIFY_EMBEDDED="inline") as app:
        yield app


@pytest.fixture
def threaded_app(template_url, backend, tmp_path):
    extra = {"NOTIFY_EMBEDDED": "thread", "MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(tmp_path),
             "NOTIFY_RELAY_INTERVAL_SECONDS": 0.5}
    with committing_app_context(template_url, backend, **extra) as app:
        yield app
        app.extensions[EXTENSION].stop()


def test_the_reset_mail_is_sent_when_the_request_ends_with_a_working_link(inline_app):
    with inline_app.app_context():
        email = create_applicant().email
    client = inline_app.test_client()
    post_form(client, "/lupa-sandi", {"email": email})
    [message] = inline_app.extensions[MAIL_OUTBOX]
    assert message["To"] == email
    text = message.get_body(("plain",)).get_content()
    path = "/atur-ulang-sandi/" + text.split("/atur-ulang-sandi/")[1].split()[0]
    assert client.get(path).status_code == 200


def eml_files(directory) -> list[str]:
    return [p.read_text() for p in sorted(directory.glob("*.eml"))]


def test_the_relay_thread_delivers_after_commit_into_eml_files(threaded_app, tmp_path):
    with threaded_app.app_context():
        user = create_applicant()
        user_id = user.id
        notify("t:rolled-back", "daily_digest", [user], context=DIGEST)
        db.session.rollback()
        notify("t:committed", "daily_digest", [user], context=DIGEST)
        db.session.commit()
    [mail] = wait_for(lambda: eml_files(tmp_path), timeout=60, what="an .eml file")
    assert "X-SIBANTU-Event: t:committed" in mail
    with threaded_app.app_context():
        wait_for(lambda: db.session.scalar(sa.select(Notification.status).where(
            Notification.channel == "email")) == "sent", timeout=60, what="the row marked sent")
        assert unread_count(db.session.get(User, user_id)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).where(
            Notification.event_key == "t:rolled-back")) == 0


def test_rows_left_due_by_another_process_go_out_on_the_first_request(threaded_app, tmp_path):
    """`flask demo-data` writes outbox rows and exits; `flask run` must still deliver them."""
    from sqlalchemy.orm import Session

    with threaded_app.app_context():
        user = create_applicant()
        user_id, email = user.id, user.email
        db.session.remove()  # end this session's transaction (SQLite has one writer)
        with Session(db.engine) as other_process:  # no app hook sees this commit
            other_process.add(Notification(
                event_key="t:other-process", channel="email", recipient_user_id=user_id,
                recipient_address=email, template="daily_digest", context=DIGEST))
            other_process.commit()
    assert eml_files(tmp_path) == []
    assert threaded_app.test_client().get("/masuk").status_code == 200
    [mail] = wait_for(lambda: eml_files(tmp_path), timeout=60, what="an .eml file")
    assert "X-SIBANTU-Event: t:other-process" in mail
