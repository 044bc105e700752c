"""The verifier on whichever database this run has (SQLite without PostgreSQL): one rolled-back
transaction per test, tampering inside it with the append-only triggers bypassed."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit import keys
from app.audit.chain import GENESIS_HASH, event_hash
from app.audit.models import AuditEvent
from app.audit.operations import make_checkpoint, record
from app.audit.verify import verify_chain
from app.db import UTCDateTime
from app.extensions import db
from tests.audit.conftest import append_events, decide, make_application, tamper


def test_empty_chain_is_valid(db_session, audit_keys):
    result = verify_chain(db.session)
    assert result.ok and result.checked == 0 and result.head_hash == GENESIS_HASH


def test_good_chain_verifies_and_reports_its_head(db_session, audit_keys):
    append_events(25)
    head = db.session.scalar(sa.select(AuditEvent).order_by(AuditEvent.seq.desc()))
    result = verify_chain(db.session, batch=7)  # several batches
    assert result.ok, result.problem
    assert (result.checked, result.head_seq, result.head_hash) == (25, 25, head.hash)
    assert "OK: 25 events" in result.describe()


def test_recorded_hash_is_the_canonical_hash(db_session):
    event = record("test.event", summary={"b": 1, "a": [1, "x"]}, reason="alasan")
    fields = {c.name: getattr(event, c.name) for c in AuditEvent.__table__.columns}
    assert event.hash == event_hash(fields)
    assert event.prev_hash == GENESIS_HASH and event.seq == 1


def test_edited_summary_is_caught_at_its_seq(db_session, audit_keys):
    append_events(10)
    tamper("UPDATE audit_events SET reason = 'diubah' WHERE seq = 4")
    result = verify_chain(db.session)
    assert (result.ok, result.first_bad_seq, result.checked) == (False, 4, 3)
    assert "altered" in result.problem


def test_deleted_event_is_a_gap(db_session, audit_keys):
    append_events(10)
    tamper("DELETE FROM audit_events WHERE seq = 6")
    result = verify_chain(db.session)
    assert result.first_bad_seq == 6 and "missing" in result.problem


def test_missing_start_is_caught(db_session, audit_keys):
    append_events(3)
    tamper("DELETE FROM audit_events WHERE seq = 1")
    assert verify_chain(db.session).first_bad_seq == 1


def test_rehashed_edit_breaks_the_next_link(db_session, audit_keys):
    append_events(6)
    event = db.session.get(AuditEvent, 3)
    fields = {c.name: getattr(event, c.name) for c in AuditEvent.__table__.columns}
    fields["reason"] = "diubah dengan hash baru"
    tamper("UPDATE audit_events SET reason = :r, hash = :h WHERE seq = 3",
           r=fields["reason"], h=event_hash(fields))
    db.session.expire_all()
    result = verify_chain(db.session)
    assert result.first_bad_seq == 4 and "event 3" in result.problem


def test_time_going_backwards_is_caught(db_session, audit_keys):
    append_events(3)
    first = db.session.get(AuditEvent, 1)
    second = db.session.get(AuditEvent, 2)
    earlier = first.occurred_dt.replace(year=first.occurred_dt.year - 1)
    fields = {c.name: getattr(second, c.name) for c in AuditEvent.__table__.columns}
    fields["occurred_dt"] = earlier
    db.session.expire_all()
    statement = sa.text("UPDATE audit_events SET occurred_dt = :t, hash = :h WHERE seq = 2")
    tamper(statement.bindparams(sa.bindparam("t", type_=UTCDateTime())),
           t=earlier, h=event_hash(fields))
    result = verify_chain(db.session)
    assert result.first_bad_seq == 2 and "backwards" in result.problem


def test_decision_digest_changed_after_the_fact(db_session, audit_keys):
    application, _, reviewer = make_application()
    decision = decide(application, reviewer)
    db.session.commit()
    tamper("UPDATE decisions SET answers_digest = :d WHERE id = :id", d="0" * 64, id=decision.id)
    result = verify_chain(db.session)
    assert result.first_bad_seq == decision.audit_seq
    assert "answers digest" in result.problem


def test_decision_without_audit_event_fails(db_session, audit_keys):
    application, _, reviewer = make_application()
    decision = decide(application, reviewer)
    db.session.commit()
    tamper("UPDATE decisions SET audit_seq = NULL WHERE id = :id", id=decision.id)
    result = verify_chain(db.session)
    assert not result.ok and result.first_bad_seq is None
    assert f"decision #{decision.id}" in result.problem


def test_decision_pointing_at_another_event_fails(db_session, audit_keys):
    application, _, reviewer = make_application()
    decision = decide(application, reviewer)
    db.session.commit()
    tamper("UPDATE decisions SET audit_seq = 1 WHERE id = :id", id=decision.id)
    result = verify_chain(db.session)
    assert result.first_bad_seq == 1 and "another" in result.problem


def test_checkpoint_signed_with_an_unpinned_key_fails(db_session, audit_keys, app, monkeypatch):
    append_events(4)
    make_checkpoint()
    _, other_public = keys.generate_keypair()
    monkeypatch.setitem(app.config, "AUDIT_PUBLIC_KEY", other_public)
    result = verify_chain(db.session)
    assert result.first_bad_seq == 4 and "signature" in result.problem


def test_checkpoint_key_rotation_accepts_any_pinned_key(db_session, audit_keys, app, monkeypatch):
    append_events(2)
    make_checkpoint()
    _, other_public = keys.generate_keypair()
    pinned = app.config["AUDIT_PUBLIC_KEY"]
    monkeypatch.setitem(app.config, "AUDIT_PUBLIC_KEY", f"{other_public},{pinned}")
    assert verify_chain(db.session).ok


def test_forged_checkpoint_signature_fails(db_session, audit_keys):
    append_events(3)
    checkpoint = make_checkpoint()
    db.session.commit()
    tamper("UPDATE audit_checkpoints SET signature = :s WHERE id = :id",
           s="ab" * 64, id=checkpoint.id)
    result = verify_chain(db.session)
    assert result.first_bad_seq == 3 and "signature" in result.problem


def test_truncated_tail_behind_a_checkpoint_fails(db_session, audit_keys):
    append_events(8)
    make_checkpoint()
    db.session.commit()
    tamper("DELETE FROM audit_events WHERE seq > 5")
    result = verify_chain(db.session)
    assert result.first_bad_seq == 6 and "checkpoint names seq 8" in result.problem


def test_checkpoint_is_idempotent_for_the_same_head(db_session, audit_keys):
    assert make_checkpoint() is None  # empty chain
    append_events(2)
    first = make_checkpoint()
    assert make_checkpoint().id == first.id
    append_events(1)
    assert make_checkpoint().seq == 3


def test_numbers_survive_the_database_round_trip(db_session, audit_keys):
    """Huge ints and integral floats: JSONB rewrites them, the fast encoder may refuse them."""
    record("test.numbers", summary={"big": 2**70, "float_int": 1e16, "two": 2.0, "tenth": 0.1,
                                    "tiny": 1e-7, "nested": [{"x": -(2**65)}]})
    db.session.commit()
    assert verify_chain(db.session).ok
