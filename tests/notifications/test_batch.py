"""Batch delivery against a real SMTP server (aiosmtpd) and a committed PostgreSQL database.

``deliver_batch`` claims the rows in one statement, sends them over one SMTP connection and
writes each row's own outcome; these tests hold it to the per-row guarantees: every row sent at
most once while its claim holds, a refusal or a lost connection affecting only its own row.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.notifications import delivery, relay
from app.notifications.models import Notification
from app.notifications.operations import notify
from tests.support.factories import create_applicant

pytestmark = pytest.mark.postgres

DIGEST = {"counts": {"open": 1, "overdue": 0}, "day": date(2026, 1, 5).isoformat()}


@pytest.fixture
def mail_app(pg_committing_app, smtp_server):
    """A committing PostgreSQL app that sends e-mail through the test's SMTP server."""
    pg_committing_app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1",
                                    MAIL_PORT=smtp_server.port, NOTIFY_SMTP_TIMEOUT=5)
    with pg_committing_app.app_context():
        yield pg_committing_app


def outbox_rows(users: list[User], count: int, prefix: str = "t:batch") -> list[int]:
    """``count`` digests for each user, committed and published: the e-mail rows' ids."""
    keys = []
    for n in range(count):
        for user in users:
            notify(f"{prefix}:{n}:{user.id}", "daily_digest", [user], context=DIGEST)
            keys.append(f"{prefix}:{n}:{user.id}")
    db.session.commit()
    published: list[int] = []
    while relay.relay_batch(published.extend):
        pass
    ids = list(db.session.scalars(sa.select(Notification.id).where(
        Notification.event_key.in_(keys), Notification.channel == "email"
    ).order_by(Notification.id)))
    assert sorted(published) == ids
    return ids


def states(ids: list[int]) -> dict[int, tuple[str, int]]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(Notification.id, Notification.status,
                                        Notification.attempts).where(Notification.id.in_(ids)))
    return {row_id: (status, attempts) for row_id, status, attempts in rows}


def mailed(mailbox, ids: list[int]) -> dict[int, int]:
    """How many times the server accepted each row's message (by its stable Message-ID)."""
    with mailbox.lock:
        message_ids = [m["Message-ID"] for m in mailbox.messages]
    return {i: message_ids.count(f"<notification-{i}@tangerangkab.go.id>") for i in ids}


def test_a_batch_is_sent_over_one_connection_and_each_row_is_marked_sent(mail_app,
                                                                        smtp_server):
    ids = outbox_rows([create_applicant()], 12)

    outcomes = delivery.deliver_batch(ids)

    assert outcomes == dict.fromkeys(ids, "sent")
    assert states(ids) == dict.fromkeys(ids, ("sent", 1))
    assert mailed(smtp_server.mailbox, ids) == dict.fromkeys(ids, 1)
    assert smtp_server.mailbox.connections() == 1
    assert delivery.deliver_batch(ids) == dict.fromkeys(ids, "skipped")  # a redelivered message
    assert mailed(smtp_server.mailbox, ids) == dict.fromkeys(ids, 1)


def test_a_permanently_refused_recipient_is_dead_and_the_others_are_sent(mail_app,
                                                                        smtp_server):
    good, bad = create_applicant(), create_applicant()
    smtp_server.mailbox.rejected.add(bad.email)
    ids = outbox_rows([good, bad], 3)
    bad_ids = set(db.session.scalars(sa.select(Notification.id).where(
        Notification.id.in_(ids), Notification.recipient_user_id == bad.id)))

    outcomes = delivery.deliver_batch(ids)

    assert {i: "dead" if i in bad_ids else "sent" for i in ids} == outcomes
    assert states(ids) == {i: ("dead" if i in bad_ids else "sent", 1) for i in ids}
    assert mailed(smtp_server.mailbox, ids) == {i: 0 if i in bad_ids else 1 for i in ids}
    assert smtp_server.mailbox.connections() == 1  # the refusal did not cost the connection
    errors = db.session.scalars(sa.select(Notification.last_error).where(
        Notification.id.in_(bad_ids)))
    assert all("550" in error for error in errors)


def test_rows_claimed_or_sent_elsewhere_are_skipped_not_sent_again(mail_app, smtp_server):
    ids = outbox_rows([create_applicant()], 5)
    held_elsewhere, sent_elsewhere = ids[1], ids[3]
    assert delivery.claim(held_elsewhere) == 1  # another worker is sending it right now
    assert delivery.deliver(sent_elsewhere) == "sent"  # a single-row delivery got there first

    outcomes = delivery.deliver_batch(ids)

    assert outcomes[held_elsewhere] == outcomes[sent_elsewhere] == "skipped"
    assert [outcomes[i] for i in ids if i not in (held_elsewhere, sent_elsewhere)] == ["sent"] * 3
    assert states(ids)[held_elsewhere] == ("queued", 1)  # still that worker's, untouched
    assert mailed(smtp_server.mailbox, ids) == {i: 0 if i == held_elsewhere else 1 for i in ids}


def test_a_connection_dropped_between_messages_is_opened_again_and_nothing_is_doubled(
        mail_app, smtp_server):
    smtp_server.mailbox.drop_after = 4  # then closes the connection at the next MAIL FROM
    ids = outbox_rows([create_applicant()], 10)

    outcomes = delivery.deliver_batch(ids)

    assert outcomes == dict.fromkeys(ids, "sent")
    assert states(ids) == dict.fromkeys(ids, ("sent", 1))
    assert mailed(smtp_server.mailbox, ids) == dict.fromkeys(ids, 1)
    assert smtp_server.mailbox.connections() == 2


def test_a_connection_lost_during_data_fails_that_row_only_and_it_is_retried(mail_app,
                                                                            smtp_server):
    mail_app.config.update(NOTIFY_RETRY_BASE_SECONDS=0.01, NOTIFY_RETRY_MAX_SECONDS=0.01)
    before, unlucky, after = create_applicant(), create_applicant(), create_applicant()
    smtp_server.mailbox.drop_in_data.add(unlucky.email)
    ids = outbox_rows([before, unlucky, after], 1)
    [lost] = db.session.scalars(sa.select(Notification.id).where(
        Notification.id.in_(ids), Notification.recipient_user_id == unlucky.id))

    outcomes = delivery.deliver_batch(ids)

    assert outcomes == {i: "failed" if i == lost else "sent" for i in ids}
    assert mailed(smtp_server.mailbox, ids) == {i: 0 if i == lost else 1 for i in ids}
    assert smtp_server.mailbox.connections() == 2  # a new one after the lost one
    row = db.session.get(Notification, lost)
    assert row.next_attempt_dt > row.created_dt and "SMTPServerDisconnected" in row.last_error

    smtp_server.mailbox.drop_in_data.clear()
    time.sleep(0.05)  # the backoff
    assert relay.deliver_due() == 1  # the embedded relay: the same batch delivery
    assert states(ids) == {i: ("sent", 2 if i == lost else 1) for i in ids}
    assert mailed(smtp_server.mailbox, ids) == dict.fromkeys(ids, 1)


def test_rows_not_started_before_the_deadline_are_released_with_their_attempt(mail_app,
                                                                             smtp_server):
    ids = outbox_rows([create_applicant()], 3)

    assert delivery.deliver_batch(ids, deadline=time.monotonic()) == dict.fromkeys(
        ids, "released")

    assert states(ids) == dict.fromkeys(ids, ("pending", 0))
    assert mailed(smtp_server.mailbox, ids) == dict.fromkeys(ids, 0)
    due = db.session.scalar(sa.select(sa.func.max(Notification.next_attempt_dt)).where(
        Notification.id.in_(ids)))
    assert due <= utcnow()
    assert relay.deliver_due() == 3
    assert states(ids) == dict.fromkeys(ids, ("sent", 1))
    assert mailed(smtp_server.mailbox, ids) == dict.fromkeys(ids, 1)


def test_the_embedded_relay_delivers_in_batches_of_one_connection_each(mail_app,
                                                                       smtp_server):
    mail_app.config["NOTIFY_DELIVERY_BATCH"] = 4
    user = create_applicant()
    for n in range(10):
        notify(f"t:embedded:{n}", "daily_digest", [user], context=DIGEST)
    db.session.commit()

    assert relay.deliver_due() == 10

    ids = list(db.session.scalars(sa.select(Notification.id).where(
        Notification.event_key.like("t:embedded:%"), Notification.channel == "email")))
    assert states(ids) == dict.fromkeys(ids, ("sent", 1))
    assert mailed(smtp_server.mailbox, ids) == dict.fromkeys(ids, 1)
    assert smtp_server.mailbox.connections() == 3  # batches of 4, 4 and 2
