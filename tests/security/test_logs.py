"""No NIK, password or token in the logs: every log record (all loggers, DEBUG and up) written
during the flows that handle them is captured and searched."""

from __future__ import annotations

import logging

from app.accounts import operations as ops
from app.api.tokens import issue_token
from app.extensions import db
from tests.conftest import csrf_from, post_form
from tests.security.conftest import browser, logged_in
from tests.support.factories import PASSWORD, create_applicant

NIK = "3603012808900001"
NEW_PASSWORD = "Sandi-Baru-Rahasia-2026"
RESET_PASSWORD = "Sandi-Atur-Ulang-2026"  # later a wrong one: changed again


def test_flows_with_secrets_leave_none_in_the_logs(app, db_session, programs, caplog):
    caplog.set_level(logging.DEBUG)
    user = create_applicant()
    client = logged_in(app, user)
    secrets = [PASSWORD, NEW_PASSWORD, RESET_PASSWORD, NIK]

    profile = {"full_name": "Siti Aminah", "nik": NIK, "address": "Kp. Cangkudu",
               "desa_code": "36.03.01.2003", "phone": "081234567890"}
    assert post_form(client, "/portal/profil", profile).status_code == 302
    post_form(client, "/portal/profil", {**profile, "nik": NIK[:-1] + "x"})  # refused NIK
    with app.test_request_context():
        reset = ops.make_reset_token(user)
    post_form(browser(app), f"/atur-ulang-sandi/{reset}",
              {"password": RESET_PASSWORD, "password_confirm": RESET_PASSWORD})
    client = logged_in(app, user, password=RESET_PASSWORD)
    post_form(client, "/akun/kata-sandi", {"current_password": RESET_PASSWORD,
                                           "new_password": NEW_PASSWORD,
                                           "new_password_confirm": NEW_PASSWORD})
    post_form(browser(app), "/masuk", {"email": user.email, "password": RESET_PASSWORD})
    post_form(browser(app), "/daftar", {"full_name": "Budi Santoso", "email": "budi@contoh.id",
                                        "phone": "081298765432", "password": PASSWORD,
                                        "password_confirm": PASSWORD, "consent": "y"})

    _, api_token = issue_token(user, "applicant")
    db.session.commit()
    browser(app).get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"})
    browser(app).get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}x"})
    secrets += [reset, api_token, csrf_from(client, "/")]

    logging.getLogger("sibantu").info("control record")  # shows the capture works
    records = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "control record" in records
    leaked = [s[:6] + "…" for s in secrets if s in records]
    assert leaked == []
