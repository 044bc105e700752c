"""The inbox (/kotak-masuk) and the administrators' dead-letter page."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.operations import notify, unread_count
from tests.conftest import csrf_from, post_form
from tests.support.factories import PASSWORD, create_applicant, create_staff

DIGEST = {"counts": {"open": 2, "overdue": 1}, "day": "2026-01-05"}


def log_in(client, user) -> None:
    response = post_form(client, "/masuk", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def inbox_row(user, key: str) -> Notification:
    [row] = [r for r in notify(key, "daily_digest", [user], context=DIGEST) if r.channel == "inapp"]
    db.session.commit()
    return row


def dead_row(user) -> Notification:
    row = next(r for r in notify("t:dead", "daily_digest", [user], context=DIGEST)
               if r.channel == "email")
    row.status, row.attempts, row.last_error = "dead", 5, "SMTPRecipientsRefused: 451"
    db.session.commit()
    return row


def status_of(row_id: int) -> tuple[str, int]:
    query = sa.select(Notification.status, Notification.attempts).where(Notification.id == row_id)
    return tuple(db.session.execute(query).one())


def test_the_inbox_needs_a_login(client):
    assert client.get("/kotak-masuk").status_code == 302


def test_the_inbox_lists_only_my_messages_and_marks_them_read(client, db_session):
    me, other = create_applicant(), create_applicant()
    mine = inbox_row(me, "t:mine")
    inbox_row(other, "t:theirs")
    log_in(client, me)
    page = client.get("/kotak-masuk").get_data(as_text=True)
    assert page.count('class="card notification') == 1 and "1 pesan belum dibaca" in page
    assert "Ringkasan harian SIBANTU" in page

    post_form(client, "/kotak-masuk", {"notification_id": mine.id}, form_url="/kotak-masuk")
    assert (unread_count(me), unread_count(other)) == (0, 1)


def test_i_cannot_mark_someone_elses_message(client, db_session):
    me, other = create_applicant(), create_applicant()
    theirs = inbox_row(other, "t:theirs")
    log_in(client, me)
    post_form(client, "/kotak-masuk", {"notification_id": theirs.id}, form_url="/kotak-masuk")
    assert unread_count(other) == 1


def test_mark_all_read_needs_the_csrf_token(client, db_session):
    me = create_applicant()
    inbox_row(me, "t:1")
    inbox_row(me, "t:2")
    log_in(client, me)
    assert client.post("/kotak-masuk", data={"all": "1"}).status_code == 400
    post_form(client, "/kotak-masuk", {"all": "1"}, form_url="/kotak-masuk")
    assert unread_count(me) == 0


def test_only_administrators_see_and_retry_dead_letters(client, db_session):
    row = dead_row(create_applicant())
    row_id = row.id
    log_in(client, create_staff("reviewer", "DISDIK"))
    assert client.get("/admin/notifikasi/gagal").status_code == 403
    token = csrf_from(client, "/kotak-masuk")
    response = client.post(f"/admin/notifikasi/{row_id}/kirim-ulang", data={"csrf_token": token})
    assert response.status_code == 403
    assert status_of(row_id) == ("dead", 5)


def test_an_administrator_retries_a_dead_letter_with_csrf_and_it_is_audited(client, db_session):
    row_id = dead_row(create_applicant()).id
    log_in(client, create_staff("admin"))
    page = client.get("/admin/notifikasi/gagal").get_data(as_text=True)
    assert "t:dead" in page and "SMTPRecipientsRefused: 451" in page
    url = f"/admin/notifikasi/{row_id}/kirim-ulang"
    assert client.post(url).status_code == 400  # no CSRF token
    response = post_form(client, url, {}, form_url="/admin/notifikasi/gagal",
                         follow_redirects=True)
    assert "dijadwalkan untuk dikirim ulang" in response.get_data(as_text=True)
    assert status_of(row_id) == ("pending", 0)
    audited = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "notification.retried"))
    assert audited is not None and audited.object_id == str(row_id)
