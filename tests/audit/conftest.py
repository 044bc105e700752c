"""Fixtures for the audit trail: fixed test keys, a committed chain, superuser tampering."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa

from app.audit import keys
from app.extensions import db

SIGNING_KEY = base64.b64encode(bytes(range(1, 33))).decode()


def public_key_b64(private_b64: str = SIGNING_KEY) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(keys.decode_key(private_b64, "test"))
    return base64.b64encode(keys.raw_public(private.public_key())).decode()


AUDIT_KEYS = {"AUDIT_SIGNING_KEY": SIGNING_KEY, "AUDIT_PUBLIC_KEY": public_key_b64()}


@pytest.fixture
def audit_keys(app, monkeypatch):
    for name, value in AUDIT_KEYS.items():
        monkeypatch.setitem(app.config, name, value)


@pytest.fixture
def pg_app(pg_committing_app):
    """A fresh, migrated PostgreSQL database with real commits, and the test audit keys."""
    pg_committing_app.config.update(AUDIT_KEYS)
    return pg_committing_app


def append_events(count: int, *, action: str = "test.event", **kwargs) -> None:
    from app.audit.operations import record

    for n in range(count):
        record(action, object_type="thing", object_id=n, summary={"n": n}, **kwargs)


def database_name(app) -> str:
    with app.app_context():
        return db.engine.url.database


def tamper(statement: str | sa.TextClause, **params) -> None:
    """Run ``statement`` inside the test transaction with the append-only triggers bypassed."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    clause = sa.text(statement) if isinstance(statement, str) else statement
    db.session.execute(clause, params)
    if postgres:
        db.session.execute(sa.text("SET LOCAL session_replication_role = origin"))


def make_application(*, nik: str = "3603014708900001"):
    """A person, their draft application (guru_ngaji) and a reviewer, all committed."""
    from app.demo import ensure_reference_data
    from app.organizations.models import Person
    from tests.support import factories

    ensure_reference_data()
    db.session.commit()
    owner = factories.create_applicant()
    person = Person(full_name="Siti Aminah", created_by_user_id=owner.id)
    person.set_nik(nik)
    db.session.add(person)
    db.session.flush()
    owner.person_id = person.id
    application = factories.create_draft("guru_ngaji", owner=owner, person=person)
    reviewer = factories.create_staff("reviewer", "KESRA")
    return application, person, reviewer


def decide(application, actor, *, action: str = "verify", to_stage: str = "review",
           reason: str = "Berkas lengkap"):
    """A Decision frozen on the application's current facts, audited, flushed (not committed)."""
    from app.applications.models import Decision
    from app.audit.operations import freeze, record_decision

    decision = Decision(
        application_id=application.id, from_stage=application.stage, to_stage=to_stage,
        action=action, actor_user_id=actor.id, actor_role="reviewer", reason=reason,
        **freeze(application),
    )
    db.session.add(decision)
    db.session.flush()
    record_decision(decision, application, agency_code="KESRA")
    return decision
