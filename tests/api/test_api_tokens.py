"""Tokens: hashed, shown once, scoped to a held role, expiring, revocable, last use recorded;
the browser session is never accepted by the API."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.api.models import ApiToken
from app.api.tokens import TokenError, issue_token, revoke_token
from app.db import utcnow
from app.extensions import db
from tests.api.conftest import bearer, issue, quick_staff
from tests.conftest import post_form
from tests.support.factories import PASSWORD


def _problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.data
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["code"] == code and body["title"]
    assert body["type"].endswith(code.replace("_", "-"))


def test_token_is_stored_only_as_its_sha256(world):
    token, raw = issue_token(world.users["reviewer"], "reviewer", agency_code="KEMENAG", days=7)
    db.session.commit()
    assert raw.startswith(f"sbt_{token.prefix}_")
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = db.session.execute(sa.select(ApiToken.__table__).where(ApiToken.id == token.id)).one()
    assert raw not in [str(value) for value in stored]


@pytest.mark.parametrize(("role", "agency"), [
    ("reviewer", "BAPPEDA"),   # holds reviewer, but at Kemenag
    ("reviewer", None),        # staff tokens must name the agency
    ("approver", "KEMENAG"),   # does not hold the role at all
    ("admin", None),
])
def test_token_only_for_a_role_the_user_holds(world, role, agency):
    with pytest.raises(TokenError):
        issue_token(world.users["reviewer"], role, agency_code=agency)


def test_token_expiry_bounds(world):
    with pytest.raises(TokenError):
        issue_token(world.users["applicant"], "applicant", days=0)
    with pytest.raises(TokenError):
        issue_token(world.users["applicant"], "applicant", days=400)


def test_cli_creates_a_token_that_works_and_refuses_a_role_not_held(app, client, world):
    runner = app.test_cli_runner()
    email = world.users["finance"].email
    result = runner.invoke(args=["api", "create-token", "--email", email, "--role", "finance",
                                 "--agency", "bpkad", "--days", "3", "--name", "sp2d"])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip().splitlines()[-1]
    me = client.get("/api/v1/me", headers=bearer(raw))
    assert me.status_code == 200
    assert me.json["role"] == "finance" and me.json["agency"] == "BPKAD"
    refused = runner.invoke(args=["api", "create-token", "--email", email, "--role", "admin"])
    assert refused.exit_code == 1
    unknown = runner.invoke(args=["api", "create-token", "--email", "nobody@contoh.id",
                                  "--role", "applicant"])
    assert unknown.exit_code == 1


@pytest.mark.parametrize(("header", "code"), [
    (None, "token_missing"),
    ("Bearer sbt_00000000_not-a-real-token", "token_invalid"),
    ("Bearer " + "x" * 40, "token_invalid"),
    ("Basic dXNlcjpwYXNz", "token_invalid"),
])
def test_missing_or_unknown_token_is_401_problem(client, world, header, code):
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    _problem(response, 401, code)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_401(client, world):
    token, raw = issue_token(world.users["auditor"], "auditor", agency_code="INSPEKTORAT")
    token.expires_dt = utcnow() - timedelta(seconds=1)
    db.session.commit()
    _problem(client.get("/api/v1/audit/events", headers=bearer(raw)), 401, "token_expired")


def test_revoked_token_is_401(client, world):
    raw = world.tokens["reviewer"]
    assert client.get("/api/v1/review/queue", headers=bearer(raw)).status_code == 200
    token = db.session.scalar(sa.select(ApiToken).where(
        ApiToken.user_id == world.users["reviewer"].id))
    revoke_token(token, by=world.users["admin"])
    db.session.commit()
    _problem(client.get("/api/v1/review/queue", headers=bearer(raw)), 401, "token_revoked")


def test_token_of_a_user_who_lost_the_role_is_401(client, world):
    user = world.users["finance"]
    raw = world.tokens["finance"]
    user.roles.clear()
    db.session.commit()
    _problem(client.get("/api/v1/disbursements", headers=bearer(raw)), 401, "token_invalid")


def test_session_cookie_alone_is_not_accepted(client, world):
    user = quick_staff("auditor", "INSPEKTORAT")
    from app.accounts.passwords import hash_password

    user.password_hash = hash_password(PASSWORD)
    db.session.commit()
    login = post_form(client, "/masuk", {"email": user.email, "password": PASSWORD})
    assert login.status_code == 302, login.data  # the browser session exists
    response = client.get("/api/v1/audit/events")
    _problem(response, 401, "token_missing")
    # and with a token, the API acts as the TOKEN's user, not the session's
    other = client.get("/api/v1/me", headers=world.headers("applicant"))
    assert other.json["user_id"] == world.users["applicant"].id


def test_post_with_session_cookie_and_no_csrf_token_is_still_401_not_csrf_400(client, world):
    response = client.post("/api/v1/applications", json={"program_key": "sanitren",
                                                         "organization_id": 1})
    _problem(response, 401, "token_missing")


def test_last_use_is_recorded(client, world):
    raw = issue(world.users["approver"], "approver", "BAPPEDA")
    last_used = sa.select(ApiToken.last_used_dt).where(
        ApiToken.token_hash == hashlib.sha256(raw.encode()).hexdigest())
    assert db.session.scalar(last_used) is None
    before = utcnow()
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200
    used = db.session.scalar(last_used)
    assert used is not None and used >= before - timedelta(seconds=1)


def test_token_scope_limits_the_users_other_roles(client, world):
    """A user who is reviewer at Kemenag AND auditor uses a reviewer token: no audit access."""
    from app.accounts.operations import grant_role

    reviewer = world.users["reviewer"]
    grant_role(reviewer, "auditor", agency_code="INSPEKTORAT")
    db.session.commit()
    response = client.get("/api/v1/audit/events", headers=world.headers("reviewer"))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert client.get("/api/v1/review/queue", headers=world.headers("reviewer")).status_code == 200
