"""The application's database role (a member of ``sibantu_app``, as in production) can append
to the trail but cannot UPDATE, DELETE or TRUNCATE it, nor switch the guarding triggers off."""

from __future__ import annotations

import os

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

from app.audit.operations import record
from app.audit.verify import verify_chain
from app.extensions import db
from tests.audit.conftest import append_events, database_name
from tests.support.services import PG_HOST, PG_PORT, PG_USER

pytestmark = pytest.mark.postgres
ROLE = f"sibantu_app_test_{os.getpid()}"
REFUSED = (
    "UPDATE audit_events SET reason = 'x' WHERE seq = 1",
    "DELETE FROM audit_events WHERE seq = 1",
    "TRUNCATE audit_events",
    "UPDATE audit_checkpoints SET seq = 0",
    "DELETE FROM audit_checkpoints",
    "ALTER TABLE audit_events DISABLE TRIGGER ALL",
    "SET session_replication_role = replica",
)


def _admin(app) -> psycopg.Connection:
    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=database_name(app),
                           autocommit=True)


@pytest.fixture
def app_role(pg_app):
    """A role made the way production's login role is: a plain member of ``sibantu_app``."""
    with _admin(pg_app) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOSUPERUSER IN ROLE sibantu_app").format(
            sql.Identifier(ROLE)))
    yield ROLE
    with pg_app.app_context():
        db.engine.dispose()
    with _admin(pg_app) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))


def _as_role(role: str) -> None:
    db.session.execute(sa.text(f'SET LOCAL ROLE "{role}"'))


def test_app_role_appends_events(pg_app, app_role):
    with pg_app.app_context():
        for n in range(3):
            _as_role(app_role)
            assert db.session.scalar(sa.text("SELECT current_user")) == app_role
            record("test.by_app_role", summary={"n": n})
            db.session.commit()
        assert verify_chain(db.session).checked == 3


@pytest.mark.parametrize("statement", REFUSED)
def test_app_role_cannot_change_the_trail(pg_app, app_role, statement):
    with pg_app.app_context():
        append_events(2)
        db.session.commit()
        _as_role(app_role)
        with pytest.raises(sa.exc.DBAPIError) as refused:
            db.session.execute(sa.text(statement))
        db.session.rollback()
        message = str(refused.value.orig)
        assert "permission denied" in message or "must be owner" in message, message
        assert verify_chain(db.session).checked == 2


def test_superuser_can_still_tamper_which_is_why_we_verify(pg_app):
    with pg_app.app_context():
        append_events(2)
        db.session.commit()
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        db.session.execute(sa.text("UPDATE audit_events SET reason = 'x' WHERE seq = 1"))
        db.session.commit()
        result = verify_chain(db.session)
    assert result.first_bad_seq == 1
