"""End to end: committed outbox rows → relay (beat) → Redis → Celery worker process → SMTP.

Real PostgreSQL, a private redis-server, a real ``celery -A worker worker -B`` process and an
aiosmtpd server. Waits poll with generous timeouts; nothing sleeps in place of an assertion.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from app.notifications import events
from app.notifications.models import Notification
from app.notifications.operations import notify
from tests.conftest import post_form
from tests.notifications.factories import make_koperasi
from tests.notifications.stack import wait_for
from tests.support.factories import PASSWORD, create_applicant, create_draft, create_staff

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def digest(key: str, user: User) -> list[Notification]:
    """Any real notification will do; the digest template needs no application."""
    context = {"counts": {"open": 3, "overdue": 1}, "day": date(2026, 1, 5).isoformat()}
    return notify(key, "daily_digest", [user], context=context)


def email_row(app, key: str) -> tuple[str, int] | None:
    with app.app_context():
        row = db.session.execute(
            sa.select(Notification.status, Notification.attempts).where(
                Notification.event_key == key, Notification.channel == "email")
        ).first()
        return tuple(row) if row else None


def statuses(app, prefix: str) -> dict[str, int]:
    with app.app_context():
        query = (sa.select(Notification.status, sa.func.count())
                 .where(Notification.event_key.like(f"{prefix}%"), Notification.channel == "email")
                 .group_by(Notification.status))
        return dict(db.session.execute(query).all())


def start(stack) -> None:
    stack.worker.start()
    wait_for(stack.worker.ready, timeout=120, what="the worker to be ready")


def log_in(client, user_email: str) -> None:
    response = post_form(client, "/masuk", {"email": user_email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_committed_decision_is_mailed_and_shown_in_the_inbox(stack):
    from app.demo import ensure_reference_data

    with stack.app.app_context():
        ensure_reference_data()
        db.session.commit()
        owner = create_applicant(name="Sri Mulyani")
        application = create_draft("kembangku", owner=owner, organization=make_koperasi(owner))
        rows = events.decided(application, "approved", "Semua syarat terpenuhi.")
        db.session.commit()
        key, number, email = rows[0].event_key, application.number, owner.email
    start(stack)

    message = wait_for(lambda: stack.mailbox.find(key), what="the decision e-mail")
    assert number in message["Subject"] and message["To"] == email
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Semua syarat terpenuhi." in text and "disetujui" in text
    wait_for(lambda: email_row(stack.app, key) == ("sent", 1), what="the row marked sent")

    client = stack.app.test_client()
    log_in(client, email)
    inbox = client.get("/kotak-masuk").get_data(as_text=True)
    assert f"Permohonan {number} disetujui" in inbox


def test_a_rolled_back_transaction_sends_nothing(stack):
    with stack.app.app_context():
        user = create_applicant()
        assert digest("test:rolled-back", user)  # the rows were flushed…
        db.session.rollback()  # …and are gone with the transaction
        digest("test:marker", user)
        db.session.commit()
    start(stack)

    wait_for(lambda: stack.mailbox.count("test:marker") == 1, what="the marker e-mail")
    wait_for(lambda: email_row(stack.app, "test:marker") == ("sent", 1), what="marker sent")
    assert stack.mailbox.count("test:rolled-back") == 0
    assert email_row(stack.app, "test:rolled-back") is None


def test_a_worker_killed_mid_delivery_delivers_exactly_once_after_restart(stack):
    stack.mailbox.hold_next.set()  # the first DATA is held: the message is never accepted
    with stack.app.app_context():
        digest("test:killed", create_applicant())
        db.session.commit()
    start(stack)
    wait_for(stack.mailbox.holding.is_set, what="the delivery to reach SMTP DATA")

    stack.worker.kill()  # SIGKILL: main process, pool child and beat alike
    stack.mailbox.release.set()
    assert email_row(stack.app, "test:killed") == ("queued", 1)  # "sending", attempt 1

    start(stack)
    wait_for(lambda: email_row(stack.app, "test:killed") == ("sent", 2), timeout=180,
             what="redelivery after the send lease ran out")
    assert stack.mailbox.count("test:killed") == 1


def commit_digests(app, user_id: int, numbers: range) -> int:
    committed = 0
    with app.app_context():
        for n in numbers:
            digest(f"test:bulk:{n:03d}", db.session.get(User, user_id))
            db.session.commit()
            committed += 1
    return committed


def test_commits_succeed_while_redis_is_down_and_all_are_delivered_once(stack):
    with stack.app.app_context():
        user_id = create_applicant().id
    stack.mailbox.delay = 0.05  # a slow SMTP server: messages pile up in Redis
    start(stack)

    committed = commit_digests(stack.app, user_id, range(0, 30))
    wait_for(lambda: statuses(stack.app, "test:bulk:").get("queued"), interval=0.05,
             what="some rows published to Redis")
    stack.redis.stop()  # whatever sits in Redis now is lost: it restarts empty
    committed += commit_digests(stack.app, user_id, range(30, 100))
    assert committed == 100
    stack.redis.start()

    wait_for(lambda: statuses(stack.app, "test:bulk:") == {"sent": 100}, timeout=240,
             interval=0.5, what="all 100 rows sent")
    counts = stack.mailbox.events()
    assert [counts[f"test:bulk:{n:03d}"] for n in range(100)] == [1] * 100

    with stack.app.app_context():
        digest("test:after", db.session.get(User, user_id))
        db.session.commit()
    wait_for(lambda: stack.mailbox.count("test:after") == 1, what="the worker to keep consuming")


def test_a_worker_started_while_redis_is_down_delivers_when_it_is_back(stack):
    """The embedded beat (``-B``) starts without Redis and waits for it, as the worker does."""
    stack.redis.stop()
    with stack.app.app_context():
        digest("test:late-redis", create_applicant())
        db.session.commit()
    stack.worker.start()
    wait_for(lambda: "beat: Redis unavailable" in stack.worker.log(),
             what="the embedded beat to tick without Redis")
    assert stack.worker.process.poll() is None, stack.worker.log()[-3000:]

    stack.redis.start()
    wait_for(lambda: email_row(stack.app, "test:late-redis") == ("sent", 1), timeout=180,
             what="the row sent after Redis came up")
    assert stack.mailbox.count("test:late-redis") == 1


def test_an_always_failing_channel_ends_dead_and_an_admin_can_retry_it(stack):
    with stack.app.app_context():
        user = create_applicant()
        stack.mailbox.refused.add(user.email)
        digest("test:dead", user)
        db.session.commit()
        admin_email = create_staff("admin").email
    start(stack)

    wait_for(lambda: email_row(stack.app, "test:dead") == ("dead", 3), what="the dead letter")
    assert stack.mailbox.count("test:dead") == 0
    with stack.app.app_context():
        row = db.session.scalar(sa.select(Notification).where(
            Notification.event_key == "test:dead", Notification.channel == "email"))
        assert "451" in row.last_error
        row_id = row.id

    client = stack.app.test_client()
    log_in(client, admin_email)
    page = client.get("/admin/notifikasi/gagal").get_data(as_text=True)
    assert "test:dead" in page
    stack.mailbox.refused.clear()  # the cause is fixed
    response = post_form(client, f"/admin/notifikasi/{row_id}/kirim-ulang", {},
                         form_url="/admin/notifikasi/gagal")
    assert response.status_code == 302

    wait_for(lambda: email_row(stack.app, "test:dead") == ("sent", 1), what="the retried row sent")
    assert stack.mailbox.count("test:dead") == 1


def test_a_single_row_message_of_an_older_release_is_still_delivered_once(stack):
    """Messages published before batches (``notifications.deliver`` with one id) may still sit
    in Redis after an upgrade: the worker still consumes them."""
    from celery import Celery

    from app.notifications import relay
    from app.notifications.celery_app import DELIVER, celery_config

    older = Celery("older-release")
    older.conf.update(celery_config({"REDIS_URL": stack.redis.url}))
    with stack.app.app_context():
        digest("test:legacy", create_applicant())
        db.session.commit()
        published = relay.relay_batch(lambda ids: [
            older.send_task(DELIVER, args=(i,), queue="notifications") for i in ids])
        assert len(published) == 1
    stack.worker.env["NOTIFY_REQUEUE_AFTER_SECONDS"] = "600"  # no batch message republishes it
    start(stack)

    wait_for(lambda: email_row(stack.app, "test:legacy") == ("sent", 1), what="the row sent")
    assert stack.mailbox.count("test:legacy") == 1
    wait_for(lambda: f"{DELIVER}[" in stack.worker.log() and "succeeded" in stack.worker.log(),
             what="the single-row task in the worker log")
