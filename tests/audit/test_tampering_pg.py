"""A superuser tampers with a committed PostgreSQL chain; ``flask audit verify`` names the first
broken seq and exits non-zero. Chain: events 1..12, a signed checkpoint at 12, events 13..20."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.audit.chain import event_hash
from app.audit.models import AuditEvent
from app.audit.operations import make_checkpoint
from app.extensions import db
from tests.audit.conftest import append_events

pytestmark = pytest.mark.postgres
COLUMNS = [c.name for c in AuditEvent.__table__.columns]


@pytest.fixture
def chain_app(pg_app):
    with pg_app.app_context():
        append_events(12)
        db.session.commit()
        make_checkpoint()
        db.session.commit()
        append_events(8, action="test.later")
        db.session.commit()
    return pg_app


def as_superuser(app, *statements: str, **params) -> None:
    """Run statements as the ``postgres`` superuser with the append-only triggers switched off."""
    with app.app_context():
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            db.session.execute(sa.text(statement), params)
        db.session.commit()


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def fields_of(event: AuditEvent) -> dict:
    return {name: getattr(event, name) for name in COLUMNS}


def test_untouched_chain_passes(chain_app):
    result = verify(chain_app)
    assert result.exit_code == 0, result.output
    assert "OK: 20 events" in result.output and "1 checkpoints" in result.output


def test_triggers_refuse_even_the_owner_without_disabling_them(chain_app):
    from sqlalchemy.exc import DBAPIError

    for statement in ("UPDATE audit_events SET reason = 'x' WHERE seq = 1",
                      "DELETE FROM audit_events WHERE seq = 20",
                      "TRUNCATE audit_events",
                      "UPDATE audit_checkpoints SET seq = 1",
                      "DELETE FROM audit_checkpoints"):
        with chain_app.app_context(), pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(sa.text(statement))
    assert verify(chain_app).exit_code == 0


def test_edited_event(chain_app):
    as_superuser(chain_app, """UPDATE audit_events SET summary = '{"n": 999}' WHERE seq = 7""")
    result = verify(chain_app)
    assert result.exit_code == 1
    assert "BROKEN at seq 7: content does not match its hash" in result.output


def test_deleted_event(chain_app):
    as_superuser(chain_app, "DELETE FROM audit_events WHERE seq = 9")
    result = verify(chain_app)
    assert result.exit_code == 1
    assert "BROKEN at seq 9: event 9 missing" in result.output


def test_swapped_events(chain_app):
    as_superuser(
        chain_app,
        "UPDATE audit_events SET seq = -5 WHERE seq = 5",
        "UPDATE audit_events SET seq = 5 WHERE seq = 6",
        "UPDATE audit_events SET seq = 6 WHERE seq = -5",
    )
    result = verify(chain_app)
    assert result.exit_code == 1
    assert "BROKEN at seq 5: content does not match its hash" in result.output


def test_forged_event_with_a_made_up_hash(chain_app):
    with chain_app.app_context():
        head = db.session.get(AuditEvent, 20)
        forged = fields_of(head) | {"seq": 21, "prev_hash": head.hash, "reason": "palsu",
                                    "hash": "f" * 64}
    insert_event(chain_app, forged)
    result = verify(chain_app)
    assert result.exit_code == 1
    assert "BROKEN at seq 21: content does not match its hash" in result.output


def test_forged_event_slipped_into_the_middle(chain_app):
    """Even with a correct hash, the forgery shifts every later event off its own hash: the
    first event that no longer matches (the one after the forgery) is named."""
    as_superuser(chain_app, "UPDATE audit_events SET seq = -seq WHERE seq >= 8",
                 "UPDATE audit_events SET seq = -seq + 1 WHERE seq < 0")
    with chain_app.app_context():
        before = db.session.get(AuditEvent, 7)
        forged = fields_of(before) | {"seq": 8, "prev_hash": before.hash, "action": "forged"}
        forged["hash"] = event_hash(forged)
    insert_event(chain_app, forged)
    result = verify(chain_app)
    assert result.exit_code == 1
    assert "BROKEN at seq 9: content does not match its hash" in result.output


def test_tail_rewritten_consistently_after_a_checkpoint(chain_app):
    """Events 10..20 rewritten with every hash recomputed: the chain is self-consistent, but
    event 12 no longer matches the signed checkpoint."""
    with chain_app.app_context():
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        prev_hash = db.session.get(AuditEvent, 9).hash
        for event in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.seq >= 10).order_by(AuditEvent.seq)
        ):
            event.reason = "ditulis ulang"
            event.prev_hash = prev_hash
            event.hash = prev_hash = event_hash(fields_of(event))
            db.session.flush()
        db.session.commit()
    result = verify(chain_app)
    assert result.exit_code == 1
    assert "BROKEN at seq 12: hash differs from signed checkpoint" in result.output


def test_tail_cut_below_the_checkpoint(chain_app):
    as_superuser(chain_app, "DELETE FROM audit_events WHERE seq > 10")
    result = verify(chain_app)
    assert result.exit_code == 1
    assert "BROKEN at seq 11: chain ends at seq 10" in result.output


def insert_event(app, fields: dict) -> None:
    names = ", ".join(COLUMNS)
    values = ", ".join(f"CAST(:{n} AS jsonb)" if n == "summary" else f":{n}" for n in COLUMNS)
    params = fields | {"summary": json.dumps(fields["summary"])}
    as_superuser(app, f"INSERT INTO audit_events ({names}) VALUES ({values})", **params)
