"""Appending to the audit chain. Called inside the transaction of the change it records.

Nothing here commits: the event lands (or vanishes) with the change it describes.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.roles import ROLES
from app.applications.models import Application
from app.audit import keys
from app.audit.chain import (
    GENESIS_HASH,
    canonical_json,
    checkpoint_message,
    event_hash,
    sha256_hex,
)
from app.audit.models import AuditCheckpoint, AuditEvent
from app.db import utcnow
from app.extensions import db

#: arbitrary constant naming the advisory lock that serialises appends on PostgreSQL
CHAIN_LOCK_ID = 0x5B1A_A0D1
PERSONAL_DATA_READ = "personal_data.read"
#: a free-standing run of 16 digits: the shape of a NIK or KK (kept out of the trail)
_SIXTEEN_DIGITS = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{8}(\d{4})(?![0-9A-Za-z])")
MASK = "\\1" + "\u2022" * 8 + "\\2"


def _locked_head() -> tuple[int, str, datetime | None]:
    """Take the chain's lock (held to the end of the transaction) and read the last event.

    PostgreSQL: one call of ``audit_chain_head`` (migration 0006), which reads *after* the lock
    is granted. SQLite has no concurrent writers to serialise; it just reads.
    """
    if _on_postgresql():
        row = db.session.execute(_HEAD_LOCKED, {"lock_id": CHAIN_LOCK_ID}).first()
    else:
        row = db.session.execute(
            sa.select(AuditEvent.seq, AuditEvent.hash, AuditEvent.occurred_dt)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).first()
    if row is None:
        return 0, GENESIS_HASH, None
    return row.seq, row.hash, row.occurred_dt


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


_EVENTS = AuditEvent.__table__
_HEAD_LOCKED = sa.text("SELECT seq, hash, occurred_dt FROM audit_chain_head(:lock_id)").columns(
    _EVENTS.c.seq, _EVENTS.c.hash, _EVENTS.c.occurred_dt)
_EVENT_COLUMNS = tuple(c.name for c in _EVENTS.columns)
_EVENT_PARAMS = tuple(sa.bindparam(c, type_=_EVENTS.c[c].type) for c in _EVENT_COLUMNS)
# one plain INSERT: no unit-of-work flush between taking the chain's lock and the commit
_INSERT_EVENT = sa.text(
    f"INSERT INTO {_EVENTS.name} ({', '.join(_EVENT_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(':' + c for c in _EVENT_COLUMNS)})"
).bindparams(*_EVENT_PARAMS)
# the event and the decision's link to it in one statement (a data-modifying CTE, PostgreSQL);
# only constant column names go into the text, every value is bound
_INSERT_LINKED = sa.text(
    f"WITH appended AS (INSERT INTO {_EVENTS.name} ({', '.join(_EVENT_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(':' + c for c in _EVENT_COLUMNS)}) RETURNING seq) "
    "UPDATE decisions SET audit_seq = (SELECT seq FROM appended) WHERE id = :decision_id"
).bindparams(*_EVENT_PARAMS)


def scrub(value: Any) -> Any:
    """Mask NIK-shaped strings, and write integral floats as ints (JSONB returns ``1e16`` as
    ``10000000000000000``): what is hashed is exactly what the database gives back."""
    if isinstance(value, str):
        return _SIXTEEN_DIGITS.sub(MASK, value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def record(
    action: str,
    *,
    actor: Any = None,
    actor_role: str | None = None,
    agency_code: str | None = None,
    program_key: str | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_version: int | None = None,
    summary: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    ``summary`` must be JSON data; NIK-shaped values in it or in ``reason`` are masked. Identify
    people by id or blind index, never by plaintext NIK.
    """
    event = _next_event(
        action, actor=actor, actor_role=actor_role, agency_code=agency_code,
        program_key=program_key, object_type=object_type, object_id=object_id,
        object_version=object_version, summary=summary, reason=reason,
    )
    _store(event, _INSERT_EVENT)
    return event


def _store(event: AuditEvent, statement: sa.TextClause, **extra: Any) -> None:
    """Write the event with one plain statement (no unit-of-work flush while the chain is
    locked); the session then holds it as stored, exactly what was written."""
    db.session.execute(statement, {**{c: getattr(event, c) for c in _EVENT_COLUMNS}, **extra})
    make_transient_to_detached(event)
    db.session.add(event)


def _next_event(
    action: str,
    *,
    actor: Any,
    actor_role: str | None,
    agency_code: str | None,
    program_key: str | None,
    object_type: str | None,
    object_id: Any,
    object_version: int | None,
    summary: dict[str, Any] | None,
    reason: str | None,
) -> AuditEvent:
    """The next event of the chain (not yet stored), with the chain locked until commit.

    What the transaction has pending is written first: the lock is then held only for the
    event's INSERT and the commit (a text statement does not autoflush)."""
    db.session.flush()
    last_seq, last_hash, last_dt = _locked_head()
    now = utcnow()
    if last_dt is not None and now < last_dt:
        now = last_dt  # the chain's clock never runs backwards
    fields: dict[str, Any] = {
        "seq": last_seq + 1,
        "occurred_dt": now,
        "actor_user_id": getattr(actor, "id", actor),
        "actor_role": actor_role,
        "agency_code": agency_code,
        "program_key": program_key,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "object_version": object_version,
        "summary": scrub(summary or {}),
        "reason": scrub(reason),
        "request_id": g.get("request_id") if has_request_context() else None,
        "prev_hash": last_hash,
    }
    return AuditEvent(**fields, hash=event_hash(fields))


def acting_role(actor: Any) -> tuple[str | None, str | None]:
    """The (role, agency) an actor most plausibly acts in: their highest role in ``ROLES`` order."""
    assignments = sorted(getattr(actor, "roles", None) or [], key=lambda r: ROLES.index(r.role))
    if not assignments:
        return None, None
    return assignments[-1].role, assignments[-1].agency_code


def record_personal_data_read(
    actor: Any,
    person_or_application: Any,
    what: str,
    *,
    actor_role: str | None = None,
    agency_code: str | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Record that ``actor`` read a full NIK or an applicant's documents (``what`` says which)."""
    if actor_role is None:
        actor_role, derived_agency = acting_role(actor)
        agency_code = agency_code or derived_agency
    target = person_or_application
    summary: dict[str, Any] = {"what": what}
    if isinstance(target, Application):
        summary |= {"person_id": target.person_id, "organization_id": target.organization_id}
        return record(
            PERSONAL_DATA_READ, actor=actor, actor_role=actor_role, agency_code=agency_code,
            program_key=target.program_key, object_type="application", object_id=target.id,
            object_version=target.version, summary=summary, reason=reason,
        )
    return record(
        PERSONAL_DATA_READ, actor=actor, actor_role=actor_role, agency_code=agency_code,
        object_type="person", object_id=target.id, summary=summary, reason=reason,
    )


def answers_digest(answers: dict[str, Any] | None) -> str:
    return sha256_hex(canonical_json(answers or {}))


def documents_digest(documents: list[Any]) -> str:
    """SHA-256 over the sorted (doc_type, version, sha256) of the given documents."""
    entries = sorted([d.doc_type, d.version, d.sha256] for d in documents)
    return sha256_hex(canonical_json(entries))


def freeze(application: Any, documents: list[Any] | None = None) -> dict[str, str]:
    """Digests of the facts and documents a decision is taken on, as they are right now
    (``documents``: the current ones, when the caller has already loaded them)."""
    if documents is None:
        documents = application.current_documents()
    return {
        "answers_digest": answers_digest(application.answers),
        "documents_digest": documents_digest(documents),
    }


def record_decision(
    decision: Any, application: Any, *, agency_code: str | None = None
) -> AuditEvent:
    """Audit a flushed Decision (digests filled from ``freeze``) and link it by ``audit_seq``.

    The verifier requires the event named by ``audit_seq`` to carry the decision's id and digests.
    """
    event = _next_event(
        f"decision.{decision.action}", actor=decision.actor_user_id,
        actor_role=decision.actor_role, agency_code=agency_code,
        program_key=application.program_key, object_type="application",
        object_id=application.id, object_version=application.version,
        summary={
            "decision_id": decision.id,
            "number": application.number,
            "from_stage": decision.from_stage,
            "to_stage": decision.to_stage,
            "answers_digest": decision.answers_digest,
            "documents_digest": decision.documents_digest,
        },
        reason=decision.reason,
    )
    if _on_postgresql():  # event and link in one round trip; the session then holds both
        _store(event, _INSERT_LINKED, decision_id=decision.id)
        set_committed_value(decision, "audit_seq", event.seq)
    else:
        db.session.add(event)
        decision.audit_seq = event.seq
        db.session.flush()
    return event


def latest_checkpoint() -> AuditCheckpoint | None:
    return db.session.scalar(
        sa.select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc())
    )


def make_checkpoint() -> AuditCheckpoint | None:
    """Sign the current chain head (None for an empty chain; the same head is signed once)."""
    seq, head_hash, _ = _locked_head()
    if seq == 0:
        return None
    latest = latest_checkpoint()
    if latest is not None and latest.seq == seq:
        return latest
    private_key = keys.signing_key()
    checkpoint = AuditCheckpoint(
        seq=seq,
        head_hash=head_hash,
        signature=private_key.sign(checkpoint_message(seq, head_hash)).hex(),
        key_id=keys.key_id(private_key.public_key()),
    )
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint
