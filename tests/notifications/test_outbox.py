"""Writing the outbox: one row per recipient and channel, in the caller's transaction, once."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.notifications import events
from app.notifications.models import Notification
from app.notifications.operations import OUTBOX_DIRTY, mark_read, notify, unread_count
from tests.support.factories import create_applicant, create_staff


def rows(key: str) -> list[tuple[str, str]]:
    query = sa.select(Notification.channel, Notification.status).where(
        Notification.event_key == key).order_by(Notification.channel)
    return [tuple(r) for r in db.session.execute(query)]


def test_one_row_per_channel_the_inbox_row_is_already_delivered(db_session):
    user = create_applicant()
    notify("t:1", "daily_digest", [user, user], context={"counts": {}, "day": "2026-01-05"})
    assert rows("t:1") == [("email", "pending"), ("inapp", "sent")]
    assert db.session.info[OUTBOX_DIRTY] is True


def test_whatsapp_only_when_chosen_and_a_gateway_is_configured(db_session, config):
    user = create_applicant()
    user.notify_whatsapp = True
    notify("t:wa-off", "daily_digest", [user])
    config["WA_GATEWAY_URL"] = "https://wa.example.test/send"
    notify("t:wa-on", "daily_digest", [user])
    assert "whatsapp" not in dict(rows("t:wa-off"))
    assert dict(rows("t:wa-on"))["whatsapp"] == "pending"


def test_staff_who_opted_out_of_e_mail_still_get_the_inbox(db_session):
    reviewer = create_staff("reviewer", "DISDIK")
    reviewer.notify_email = False
    notify("t:staff", "daily_digest", [reviewer])
    assert rows("t:staff") == [("inapp", "sent")]


def test_the_same_event_never_notifies_twice(db_session):
    user = create_applicant()
    first = notify("t:twice", "daily_digest", [user])
    db_session.commit()
    second = notify("t:twice", "daily_digest", [user])
    assert len(first) == 2 and second == []
    assert len(rows("t:twice")) == 2


def test_rows_vanish_with_a_rolled_back_transaction(db_session):
    user = create_applicant()
    notify("t:rollback", "daily_digest", [user])
    db_session.rollback()
    assert rows("t:rollback") == []
    assert OUTBOX_DIRTY not in db.session.info


def test_context_holds_ids_and_short_values_only(db_session):
    user = create_applicant()
    [row, *_] = events.daily_digest(user, {"open": 2, "overdue": 0})
    assert set(row.context) == {"counts", "day", "worklist"}  # short values: the page to open
    assert row.event_key.startswith(f"digest:{user.id}:")


def test_unread_count_and_mark_read_touch_only_the_users_own_messages(db_session):
    me, other = create_applicant(), create_applicant()
    mine = notify("t:a", "daily_digest", [me])
    notify("t:b", "daily_digest", [me])
    notify("t:a", "daily_digest", [other])
    inapp = next(r for r in mine if r.channel == "inapp")
    assert unread_count(me) == 2
    assert mark_read(other, [inapp.id]) == 0
    assert mark_read(me, [inapp.id]) == 1
    assert (unread_count(me), unread_count(other)) == (1, 1)
    mark_read(me)
    assert unread_count(me) == 0
