"""argon2id parameters: OWASP sets, calibration on the host, rehash at the next login.

Real argon2 (no stub hasher), real database, logins through the real login form."""

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from app import create_app
from app.accounts import passwords
from app.accounts.models import User
from app.accounts.passwords import OWASP_SETS, HashParams
from app.config import load_config
from app.extensions import db
from tests.conftest import csrf_from, post_form
from tests.support.factories import PASSWORD, create_applicant

#: argon2-cffi's own defaults (RFC 9106 low-memory), what hashes made before this change carry
OLD_HASH_PREFIX = "$argon2id$v=19$m=65536,t=3,p=4$"


def login(client, email, password=PASSWORD):
    return post_form(client, "/masuk", {"email": email, "password": password})


def stored_hash(user_id: int) -> str:
    return db.session.execute(sa.select(User.password_hash).where(User.id == user_id)).scalar()


def params_of(password_hash: str) -> str:
    return password_hash.split("$")[3]


def test_new_hashes_use_an_owasp_set(app, db_session):
    user = create_applicant()
    assert params_of(stored_hash(user.id)) == str(passwords.DEFAULT)
    assert passwords.DEFAULT in OWASP_SETS


def test_old_hash_is_redone_at_the_next_login(client, db_session):
    user = create_applicant()
    user.password_hash = PasswordHasher().hash(PASSWORD)
    db.session.commit()
    assert stored_hash(user.id).startswith(OLD_HASH_PREFIX)

    assert login(client, user.email).status_code == 302
    rehashed = stored_hash(user.id)
    assert params_of(rehashed) == "m=19456,t=2,p=1"
    assert passwords.verify_password(rehashed, PASSWORD)

    client.post("/keluar", data={"csrf_token": csrf_from(client, "/")})
    assert login(client, user.email).status_code == 302
    assert stored_hash(user.id) == rehashed  # same parameters: left alone


def test_changed_parameters_reach_the_account_at_its_next_login(app, client, db_session,
                                                                monkeypatch):
    user = create_applicant()
    before = stored_hash(user.id)
    monkeypatch.setitem(app.config, "PASSWORD_HASH_PARAMS", "m=12288,t=3,p=1")

    assert login(client, user.email, "Salah-Sandi-12345").status_code == 200
    assert stored_hash(user.id) == before  # a failed login changes nothing

    assert login(client, user.email).status_code == 302
    assert params_of(stored_hash(user.id)) == "m=12288,t=3,p=1"


def test_calibrate_hash_writes_an_owasp_set_that_start_up_reads(app, tmp_path, monkeypatch):
    monkeypatch.delenv("PASSWORD_HASH_PARAMS", raising=False)
    target = tmp_path / "password_hash_params"
    result = app.test_cli_runner().invoke(
        args=["accounts", "calibrate-hash", "--max-ms", "2000", "--rounds", "1",
              "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    chosen = HashParams.parse(target.read_text())
    assert chosen in OWASP_SETS
    assert f"{chosen}: " in result.output and "<- chosen" in result.output
    assert load_config(str(tmp_path))["PASSWORD_HASH_PARAMS"] == str(chosen)


def test_calibrate_hash_refuses_when_no_set_fits(app, tmp_path):
    target = tmp_path / "password_hash_params"
    result = app.test_cli_runner().invoke(
        args=["accounts", "calibrate-hash", "--max-ms", "0.01", "--rounds", "1",
              "--output", str(target)]
    )
    assert result.exit_code == 1
    assert "no OWASP argon2id set verifies within 0.01 ms" in result.output
    assert not target.exists()


@pytest.mark.parametrize("value", ["m=1024,t=1,p=1", "m=19456,t=0,p=1", "19456,2,1", "m=x,t=2"])
def test_bad_parameters_stop_the_start(value):
    with pytest.raises(ValueError):
        create_app({"PASSWORD_HASH_PARAMS": value, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
