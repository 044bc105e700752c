"""Claiming, sending and recording one row; the relay; retries, leases and dead letters."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.notifications import channels, delivery, relay
from app.notifications.models import Notification
from app.notifications.operations import notify, retry_dead
from tests.support.factories import create_applicant, create_staff


@pytest.fixture
def email_row(db_session):
    user = create_applicant()
    rows = notify("t:deliver", "daily_digest", [user],
                  context={"counts": {"open": 1, "overdue": 0}, "day": "2026-01-05"})
    db_session.commit()
    return next(r for r in rows if r.channel == "email")


def state(row: Notification) -> tuple[str, int]:
    db.session.refresh(row)
    return row.status, row.attempts


def publish_all() -> list[int]:
    published: list[int] = []
    relay.relay_batch(published.extend)
    return published


def test_the_relay_publishes_due_rows_once_and_marks_them_queued(email_row):
    assert publish_all() == [email_row.id]
    assert publish_all() == []
    assert state(email_row) == ("queued", 0)
    assert email_row.published_dt is not None


def test_a_broker_error_leaves_the_rows_due(email_row):
    def broken(ids):
        raise ConnectionError("redis is down")

    with pytest.raises(ConnectionError):
        relay.relay_batch(broken)
    assert state(email_row) == ("pending", 0)
    assert publish_all() == [email_row.id]


def test_a_row_is_claimed_by_one_delivery_only(email_row):
    assert delivery.claim(email_row.id) is None  # not published yet
    publish_all()
    assert delivery.claim(email_row.id) == 1
    assert delivery.claim(email_row.id) is None  # a second copy of the message
    db.session.refresh(email_row)
    assert email_row.published_dt is None  # no message for it is in flight any more


def test_deliver_sends_marks_sent_and_ignores_redelivery(email_row, mail_outbox):
    publish_all()
    assert delivery.deliver(email_row.id) == "sent"
    assert delivery.deliver(email_row.id) == "skipped"
    assert state(email_row) == ("sent", 1)
    [message] = mail_outbox
    assert message["Message-ID"] == f"<notification-{email_row.id}@tangerangkab.go.id>"
    assert message.get_body(("plain",)) and message.get_body(("html",))


def test_a_lost_lease_is_published_again_and_sent_on_the_next_attempt(email_row, mail_outbox):
    publish_all()
    assert delivery.claim(email_row.id) == 1  # the worker dies here, before sending
    assert relay.requeue_lost(lambda ids: None) == []  # the lease still holds
    email_row.next_attempt_dt = utcnow() - timedelta(seconds=1)
    db.session.commit()
    republished: list[int] = []
    assert relay.requeue_lost(republished.extend) == [email_row.id] == republished
    assert delivery.deliver(email_row.id) == "sent"
    assert state(email_row) == ("sent", 2) and len(mail_outbox) == 1


def test_a_published_message_that_never_arrives_is_published_again(email_row):
    publish_all()
    email_row.next_attempt_dt = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert relay.requeue_lost(lambda ids: None) == [email_row.id]
    assert state(email_row) == ("queued", 0)


def test_a_late_attempt_cannot_overwrite_a_newer_one(email_row):
    publish_all()
    delivery.claim(email_row.id)
    email_row.next_attempt_dt = utcnow() - timedelta(seconds=1)
    db.session.commit()
    relay.requeue_lost(lambda ids: None)
    assert delivery.claim(email_row.id) == 2
    assert delivery.mark_sent(email_row.id, 1) is False
    assert delivery.mark_sent(email_row.id, 2) is True


def failing_send(monkeypatch, exc: Exception) -> None:
    def send(notification):
        raise exc

    monkeypatch.setattr(channels, "send", send)


def test_failures_back_off_then_die_after_the_last_attempt(email_row, monkeypatch, config):
    config["NOTIFY_MAX_ATTEMPTS"] = 3
    failing_send(monkeypatch, OSError("connection refused"))
    outcomes = []
    for _ in range(3):
        email_row.next_attempt_dt = utcnow()
        db.session.commit()
        publish_all()
        outcomes.append(delivery.deliver(email_row.id))
        db.session.refresh(email_row)
        if email_row.status == "failed":
            assert email_row.next_attempt_dt > utcnow()
    assert outcomes == ["failed", "failed", "dead"]
    assert "connection refused" in email_row.last_error


def test_a_permanent_failure_is_dead_at_once(email_row, monkeypatch):
    failing_send(monkeypatch, channels.PermanentFailure("recipient refused: [550]"))
    publish_all()
    assert delivery.deliver(email_row.id) == "dead"
    assert state(email_row) == ("dead", 1)


def test_a_lease_lost_on_the_last_attempt_ends_dead(email_row, config):
    config["NOTIFY_MAX_ATTEMPTS"] = 1
    publish_all()
    delivery.claim(email_row.id)
    email_row.next_attempt_dt = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert relay.requeue_lost(lambda ids: None) == []
    assert state(email_row) == ("dead", 1)
    assert "outcome unknown" in email_row.last_error


def test_backoff_grows_exponentially_with_jitter_and_a_cap(app, config):
    config.update(NOTIFY_RETRY_BASE_SECONDS=10, NOTIFY_RETRY_MAX_SECONDS=60)
    with app.app_context():
        delays = [[delivery.backoff_seconds(n) for _ in range(50)] for n in (1, 2, 3, 6)]
    assert all(5 <= d <= 10 for d in delays[0]) and all(10 <= d <= 20 for d in delays[1])
    assert all(20 <= d <= 40 for d in delays[2]) and all(30 <= d <= 60 for d in delays[3])
    assert len(set(delays[0])) > 1


def test_an_admin_retry_gives_a_dead_letter_fresh_attempts(email_row, monkeypatch):
    failing_send(monkeypatch, channels.PermanentFailure("no"))
    publish_all()
    delivery.deliver(email_row.id)
    admin = create_staff("admin")
    assert retry_dead(email_row, actor=admin) is True
    assert retry_dead(email_row, actor=admin) is False
    assert state(email_row) == ("pending", 0)
    assert publish_all() == [email_row.id]


def test_deliver_due_is_the_embedded_relay(email_row, mail_outbox):
    assert relay.deliver_due() == 1
    assert state(email_row) == ("sent", 1) and len(mail_outbox) == 1
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    assert count == 2
