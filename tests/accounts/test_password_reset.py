import time

import sqlalchemy as sa

from app.accounts import operations as ops
from app.extensions import db
from app.notifications.models import Notification
from tests.conftest import post_form
from tests.support.factories import create_applicant


def test_forgot_password_queues_a_reset_mail_and_says_the_same_for_unknown(client, db_session):
    user = create_applicant()
    known = post_form(client, "/lupa-sandi", {"email": user.email}, follow_redirects=True)
    unknown = post_form(client, "/lupa-sandi", {"email": "x@contoh.id"}, follow_redirects=True)
    assert "Jika e-mail tersebut terdaftar" in known.get_data(as_text=True)
    assert "Jika e-mail tersebut terdaftar" in unknown.get_data(as_text=True)
    rows = db.session.scalars(
        sa.select(Notification).where(Notification.template == "password_reset")
    ).all()
    assert {r.recipient_user_id for r in rows} == {user.id}
    assert all("token" not in str(r.context) for r in rows)  # the token never sits in the DB


def test_reset_token_works_once(app, client, db_session):
    user = create_applicant()
    with app.test_request_context():
        token = ops.make_reset_token(user)
    new = "Sandi-Pulih-Kuat-2026"
    url = f"/atur-ulang-sandi/{token}"
    response = post_form(client, url, {"password": new, "password_confirm": new})
    assert response.status_code == 302 and response.headers["Location"].endswith("/masuk")
    again = client.get(url)
    assert again.status_code == 302 and "/lupa-sandi" in again.headers["Location"]


def test_reset_token_expires(app, client, db_session, monkeypatch):
    user = create_applicant()
    real_time = time.time
    monkeypatch.setattr(
        time, "time", lambda: real_time() - app.config["PASSWORD_RESET_MAX_AGE"] - 5
    )
    with app.test_request_context():
        token = ops.make_reset_token(user)
    monkeypatch.setattr(time, "time", real_time)
    response = client.get(f"/atur-ulang-sandi/{token}", follow_redirects=True)
    assert "kedaluwarsa" in response.get_data(as_text=True)
    with app.test_request_context():
        assert ops.user_for_reset_token(token) is None
