import re

import sqlalchemy as sa

from app.accounts.models import UserSession
from app.extensions import db
from tests.conftest import csrf_from, post_form
from tests.support.factories import PASSWORD, create_applicant


def login(client, email, password=PASSWORD):
    return post_form(client, "/masuk", {"email": email, "password": password})


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("sibantu_session")
    return cookie.value if cookie else None


def test_login_and_logout(client, db_session):
    user = create_applicant()
    assert login(client, user.email).status_code == 302
    assert user.full_name in client.get("/").get_data(as_text=True)
    token = csrf_from(client, "/")
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    assert client.get("/akun/kata-sandi").status_code == 302  # back to the login page


def test_wrong_password_and_unknown_user_look_the_same(client, db_session):
    user = create_applicant()
    wrong = login(client, user.email, "Salah-Sandi-12345")
    unknown = login(client, "tidak.ada@contoh.id", "Salah-Sandi-12345")
    assert wrong.status_code == unknown.status_code == 200

    def message(r):
        return re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))

    assert "E-mail atau kata sandi salah." in message(wrong)
    assert message(wrong).replace(user.email, "X") == message(unknown).replace(
        "tidak.ada@contoh.id", "X"
    )


def test_login_is_throttled_after_the_limit(app, client, db_session):
    user = create_applicant()
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    token = csrf_from(client, "/masuk")
    statuses = [
        client.post(
            "/masuk",
            data={"csrf_token": token, "email": user.email, "password": "Salah-Sandi-12345"},
        ).status_code
        for _ in range(limit + 1)
    ]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit] == 429
    assert "Terlalu banyak percobaan" in client.post(
        "/masuk", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    ).get_data(as_text=True)


def test_session_is_rotated_at_login(client, db_session):
    user = create_applicant()
    client.get("/masuk")
    with client.session_transaction() as session:
        session["planted"] = "by-attacker"
    before = session_cookie(client)
    login(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
    assert session_cookie(client) != before


def test_logout_invalidates_the_old_cookie(app, client, db_session):
    user = create_applicant()
    login(client, user.email)
    stolen = session_cookie(client)
    client.post("/keluar", data={"csrf_token": csrf_from(client, "/")})
    attacker = app.test_client()
    attacker.set_cookie("sibantu_session", stolen)
    assert attacker.get("/akun/kata-sandi").status_code == 302


def test_password_change_revokes_other_sessions(app, client, db_session):
    user = create_applicant()
    other_device = app.test_client()
    login(other_device, user.email)
    login(client, user.email)
    new = "Sandi-Baru-Kuat-2026"
    response = post_form(
        client,
        "/akun/kata-sandi",
        {
            "current_password": PASSWORD,
            "new_password": new,
            "new_password_confirm": new,
        },
    )
    assert response.status_code == 302
    assert client.get("/akun/kata-sandi").status_code == 200  # this device stays in
    assert other_device.get("/akun/kata-sandi").status_code == 302  # the other is out
    revoked = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)).all()
    assert sum(1 for s in revoked if s.revoked_dt is None) == 1


def test_idle_session_expires(app, client, db_session):
    from datetime import timedelta

    from app.db import utcnow

    user = create_applicant()
    login(client, user.email)
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(last_seen_dt=utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    )
    db.session.commit()
    assert client.get("/akun/kata-sandi").status_code == 302


def test_open_redirect_after_login_is_refused(client, db_session):
    user = create_applicant()
    token = csrf_from(client, "/masuk")
    response = client.post(
        "/masuk?next=https://evil.example/",
        data={
            "csrf_token": token,
            "email": user.email,
            "password": PASSWORD,
        },
    )
    assert response.headers["Location"] == "/portal"
