"""Writing to the trail: frozen digests, decisions, personal-data reads, no plaintext NIK."""

from __future__ import annotations

import sqlalchemy as sa

from app.applications.models import Application, Document
from app.audit.models import AuditEvent
from app.audit.operations import (
    PERSONAL_DATA_READ,
    freeze,
    record,
    record_personal_data_read,
)
from app.audit.verify import verify_chain
from app.auditor.queries import who_read_person
from app.extensions import db
from tests.audit.conftest import decide, make_application

NIK = "3603014708900001"


def _document(doc_type: str, version: int, digest: str, current: bool = True) -> Document:
    return Document(doc_type=doc_type, version=version, sha256=digest, is_current=current)


def test_freeze_ignores_key_order_and_replaced_documents():
    a = Application(answers={"b": 2, "a": {"y": 1, "x": [1, 2]}})
    b = Application(answers={"a": {"x": [1, 2], "y": 1}, "b": 2})
    a.documents = [_document("ktp", 2, "1" * 64), _document("ktp", 1, "0" * 64, current=False),
                   _document("foto", 1, "2" * 64)]
    b.documents = [_document("foto", 1, "2" * 64), _document("ktp", 2, "1" * 64)]
    assert freeze(a) == freeze(b)
    assert set(freeze(a)) == {"answers_digest", "documents_digest"}


def test_freeze_changes_with_any_answer_or_document():
    base = Application(answers={"jumlah_santri": 10})
    base.documents = [_document("ktp", 1, "1" * 64)]
    other_answer = Application(answers={"jumlah_santri": 11})
    other_answer.documents = [_document("ktp", 1, "1" * 64)]
    new_version = Application(answers={"jumlah_santri": 10})
    new_version.documents = [_document("ktp", 2, "1" * 64)]
    digests = [freeze(x) for x in (base, other_answer, new_version)]
    assert digests[0]["answers_digest"] != digests[1]["answers_digest"]
    assert digests[0]["documents_digest"] != digests[2]["documents_digest"]


def test_nik_shaped_values_are_masked_before_hashing(db_session):
    event = record("test.event", summary={"note": f"NIK {NIK}", "list": [NIK]},
                   reason=f"cek {NIK}")
    db.session.commit()
    stored = db.session.execute(sa.text(
        "SELECT CAST(summary AS TEXT) || coalesce(reason, '') FROM audit_events WHERE seq = :s"
    ), {"s": event.seq}).scalar()
    assert NIK not in stored and "3603" in stored and "0001" in stored
    assert verify_chain(db.session, public_keys={}).ok


def test_decision_is_linked_and_frozen(db_session, audit_keys):
    application, _, reviewer = make_application()
    decision = decide(application, reviewer)
    db.session.commit()
    event = db.session.get(AuditEvent, decision.audit_seq)
    assert event.action == "decision.verify" and event.object_id == str(application.id)
    assert event.summary["answers_digest"] == freeze(application)["answers_digest"]
    assert event.summary["decision_id"] == decision.id and event.actor_user_id == reviewer.id
    assert verify_chain(db.session).ok


def test_personal_data_reads_are_recorded_and_queryable(db_session):
    application, person, reviewer = make_application()
    _, stranger, _ = make_application(nik="3603014708900002")
    record_personal_data_read(reviewer, person, "nik")
    record_personal_data_read(reviewer, application, "documents", reason="verifikasi berkas")
    record_personal_data_read(reviewer, stranger, "nik")
    db.session.commit()
    reads = who_read_person(person.id)
    assert [(e.object_type, e.summary["what"]) for e in reads] == [
        ("person", "nik"), ("application", "documents")]
    assert all(e.action == PERSONAL_DATA_READ and e.actor_user_id == reviewer.id for e in reads)
    assert reads[0].actor_role == "reviewer" and reads[0].agency_code == "KESRA"
    assert reads[1].summary["person_id"] == person.id
