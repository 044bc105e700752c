"""Sessions and login, complementing tests/accounts (rotation at login, logout, password change
and idle timeout are tested there): absolute timeout, a fresh server-side token at every login,
revocation at password reset and deactivation, and no account enumeration or distributed
guessing on the login and forgot-password pages."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app.accounts import operations as ops
from app.accounts.models import User, UserSession
from app.db import utcnow
from app.extensions import db
from tests.conftest import csrf_from, post_form
from tests.security.conftest import browser, logged_in
from tests.support.factories import PASSWORD, create_applicant

PRIVATE_PAGE = "/akun/kata-sandi"


def cookie(client) -> str:
    return client.get_cookie("sibantu_session").value


def sessions_of(user) -> list[UserSession]:
    return db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)).all()


def test_absolute_timeout_ends_a_session_that_is_still_in_use(app, db_session):
    user = create_applicant()
    client = logged_in(app, user)
    assert client.get(PRIVATE_PAGE).status_code == 200
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    db.session.execute(sa.update(UserSession).where(UserSession.user_id == user.id).values(
        created_dt=utcnow() - timedelta(hours=hours, minutes=1), last_seen_dt=utcnow()))
    db.session.commit()
    response = client.get(PRIVATE_PAGE)
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_every_login_gets_a_new_server_side_session_and_old_cookies_stay_dead(app, db_session):
    user = create_applicant()
    client = logged_in(app, user)
    first = cookie(client)
    client.post("/keluar", data={"csrf_token": csrf_from(client, "/")})
    post_form(client, "/masuk", {"email": user.email, "password": PASSWORD})
    assert cookie(client) != first
    assert len({s.token_hash for s in sessions_of(user)}) == 2
    replay = browser(app)
    replay.environ_base.update(client.environ_base)
    replay.set_cookie("sibantu_session", first)
    assert replay.get(PRIVATE_PAGE).status_code == 302
    assert str(user.id) not in first.split(".")[0]  # the cookie names a token, not the user


def test_password_reset_revokes_every_session(app, db_session):
    user = create_applicant()
    devices = [logged_in(app, user), logged_in(app, user)]
    with app.test_request_context():
        token = ops.make_reset_token(user)
    new = "Sandi-Pulih-Kuat-2026"
    stranger = browser(app)
    url = f"/atur-ulang-sandi/{token}"
    assert post_form(stranger, url, {"password": new, "password_confirm": new}).status_code == 302
    for device in devices:
        assert device.get(PRIVATE_PAGE).status_code == 302
    assert all(s.revoked_dt is not None for s in sessions_of(user))


def test_a_deactivated_account_is_logged_out_at_once(app, db_session):
    user = create_applicant()
    client = logged_in(app, user)
    db.session.get(User, user.id).is_active = False  # the row again: the request ended ours
    db.session.commit()
    assert client.get(PRIVATE_PAGE).status_code == 302


def _page_text(response) -> str:
    """The page without the values that legitimately differ (tokens, echoed input)."""
    text = re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))
    return re.sub(r"[a-z0-9.]+@contoh\.id", "EMAIL", text)


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(app, db_session):
    user = create_applicant()
    answers = []
    for email in (user.email, "tidak.terdaftar@contoh.id"):
        client = browser(app)
        response = post_form(client, "/lupa-sandi", {"email": email})
        page = client.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], _page_text(page)))
    assert answers[0] == answers[1]


def test_login_failures_look_the_same_in_status_headers_and_page(app, db_session):
    user = create_applicant()
    answers = []
    for email in (user.email, "tidak.terdaftar@contoh.id"):
        response = post_form(browser(app), "/masuk", {"email": email, "password": "Salah-12345"})
        varying = ("X-Request-ID", "Set-Cookie", "Content-Length", "X-RateLimit-Reset",
                   "Retry-After")  # per request or per second, not per account
        headers = {k: v for k, v in response.headers if k not in varying}
        answers.append((response.status_code, headers, _page_text(response)))
    assert answers[0] == answers[1]


def test_guessing_one_account_from_many_addresses_is_throttled(app, db_session):
    user = create_applicant()
    statuses = []
    for _ in range(21):  # a new client address each time: the per-address limit never trips
        response = post_form(browser(app), "/masuk",
                             {"email": user.email, "password": "Salah-Sandi-12345"})
        statuses.append(response.status_code)
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    blocked = post_form(browser(app), "/masuk", {"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429  # even the right password waits: no oracle
