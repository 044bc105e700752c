"""Verification of the audit chain, decisions and signed checkpoints (pure: reads, never writes).

``verify_chain(session)`` streams every event in ``seq`` order as plain tuples through a
server-side cursor and stops at the FIRST inconsistency:

* the sequence starts at 1 and has no gap;
* each event's hash recomputes from its content, and its ``prev_hash`` is the previous hash;
* time never goes backwards;
* every Decision names (``audit_seq``) an event about its application that carries its id and its
  frozen digests;
* every checkpoint's signature verifies with a pinned public key, its (seq, head_hash) is still
  the event at that seq, and the chain reaches at least the latest checkpoint;
* every checkpoint kept outside the database (``outside``, read by ``app.audit.outside``) passes
  the same checks and is still stored in ``audit_checkpoints`` (a deleted row is reported).

A superuser who rewrites events and recomputes every later hash defeats the first two checks;
the signed checkpoints are what catches that, and only the outside copies catch it when the
checkpoint rows were deleted too.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

import orjson
import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from app.applications.models import Decision
from app.audit import keys
from app.audit.chain import GENESIS_HASH, checkpoint_message, encode_json, iso_utc, sha256_hex
from app.audit.models import AuditCheckpoint, AuditEvent

BATCH = 5000


def reference_hash(fields: dict[str, Any]) -> str:
    """The definition: the standard library's canonical JSON, as the writer hashed it."""
    return sha256_hex(encode_json(fields).encode())


def fast_hash(fields: dict[str, Any], _dumps=orjson.dumps, _sorted=orjson.OPT_SORT_KEYS) -> str:
    """orjson gives the reference bytes for ordinary data at a tenth of the cost; where it renders
    differently (huge ints, some floats) the caller falls back to ``reference_hash``."""
    try:
        return sha256(_dumps(fields, option=_sorted)).hexdigest()
    except TypeError:
        return ""


def orjson_loads(text: str, _loads=orjson.loads) -> Any:
    try:
        return _loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def matches_slowly(fields: dict[str, Any], summary: Any, stored: str) -> bool:
    """The standard library's verdict, from the summary as the database gave it (orjson reads
    integers beyond 64 bits as floats)."""
    if isinstance(summary, str):
        fields["summary"] = json.loads(summary)
    return reference_hash(fields) == stored


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str | None
    head_seq: int
    head_hash: str
    decisions: int = 0
    checkpoints: int = 0
    seconds: float = 0.0
    outside: int = 0

    def describe(self) -> str:
        rate = f", {self.checked / self.seconds:,.0f} events/s" if self.seconds > 0 else ""
        if self.ok:
            return (
                f"OK: {self.checked} events, head seq {self.head_seq} hash {self.head_hash}; "
                f"{self.decisions} decisions and {self.checkpoints} checkpoints verified"
                f"{self._outside_note()} ({self.seconds:.2f} s{rate})"
            )
        if self.first_bad_seq is None:
            return f"BROKEN: {self.problem} (the {self.checked} events themselves are sound)"
        return f"BROKEN at seq {self.first_bad_seq}: {self.problem} ({self.checked} events sound)"

    def _outside_note(self) -> str:
        return f", {self.outside} of them outside copies" if self.outside else ""


class ChainBroken(Exception):
    def __init__(self, seq: int | None, problem: str) -> None:
        super().__init__(problem)
        self.seq = seq
        self.problem = problem


@dataclass(frozen=True)
class DecisionRef:
    decision_id: int
    application_id: int
    answers_digest: str
    documents_digest: str


@dataclass(frozen=True)
class CheckpointRef:
    checkpoint_id: int  # 0 for an outside copy
    seq: int
    head_hash: str
    signature: str
    key_id: str
    source: str = ""  # an outside copy's file and line

    @property
    def label(self) -> str:
        return f"outside checkpoint ({self.source})" if self.source else (
            f"checkpoint #{self.checkpoint_id}")


@dataclass
class Walk:
    """What the walk has seen so far; ``special``: the seqs with a decision or checkpoint check."""

    decisions: dict[int, list[DecisionRef]]
    checkpoints: dict[int, list[CheckpointRef]]
    public_keys: dict[str, Ed25519PublicKey]
    seq: int = 0
    hash: str = GENESIS_HASH
    time: str = ""
    special: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.special = set(self.decisions) | set(self.checkpoints)


# --- loading -------------------------------------------------------------------------------


def load_decisions(session: Session) -> tuple[dict[int, list[DecisionRef]], list[int]]:
    """Decisions by the seq they claim, and the ids of decisions that claim none."""
    rows = session.execute(
        sa.select(
            Decision.id, Decision.application_id, Decision.answers_digest,
            Decision.documents_digest, Decision.audit_seq,
        ).order_by(Decision.id)
    ).tuples()
    by_seq: dict[int, list[DecisionRef]] = {}
    unaudited: list[int] = []
    for decision_id, application_id, answers, documents, seq in rows:
        if seq is None:
            unaudited.append(decision_id)
            continue
        ref = DecisionRef(decision_id, application_id, answers, documents)
        by_seq.setdefault(seq, []).append(ref)
    return by_seq, unaudited


def load_checkpoints(session: Session) -> dict[int, list[CheckpointRef]]:
    c = AuditCheckpoint
    rows = session.execute(
        sa.select(c.id, c.seq, c.head_hash, c.signature, c.key_id).order_by(c.seq, c.id)
    ).tuples()
    by_seq: dict[int, list[CheckpointRef]] = {}
    for row in rows:
        by_seq.setdefault(row[1], []).append(CheckpointRef(*row))
    return by_seq


#: PostgreSQL fast path: the server formats the canonical timestamp and hands JSONB over as text
#: (parsing it in Python is cheaper than the driver's JSONB loader).
PG_EVENTS = """
SELECT seq, to_char(occurred_dt AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
       actor_user_id, actor_role, agency_code, program_key, action, object_type, object_id,
       object_version, summary::text, reason, request_id, prev_hash, hash
FROM audit_events ORDER BY seq
"""


def event_rows(session: Session, batch: int = BATCH) -> Iterator[Any]:
    """Every event as a plain tuple (seq, time, ..., prev_hash, hash), streamed by seq through a
    server-side cursor in the session's transaction. ``time`` and ``summary`` may come as text."""
    connection = session.connection()
    if connection.dialect.driver == "psycopg":
        yield from _psycopg_rows(connection.connection.driver_connection, batch)
        return
    e = AuditEvent
    query = sa.select(
        e.seq, e.occurred_dt, e.actor_user_id, e.actor_role, e.agency_code, e.program_key,
        e.action, e.object_type, e.object_id, e.object_version, e.summary, e.reason,
        e.request_id, e.prev_hash, e.hash,
    ).order_by(e.seq)
    options = {"stream_results": True, "yield_per": batch}
    for rows in session.execute(query, execution_options=options).partitions(batch):
        yield from rows


_cursor_numbers = itertools.count(1)


def _psycopg_rows(raw: Any, batch: int) -> Iterator[tuple[Any, ...]]:
    with raw.cursor(name=f"audit_verify_{next(_cursor_numbers)}") as cursor:
        cursor.itersize = batch
        cursor.execute(PG_EVENTS)
        while rows := cursor.fetchmany(batch):
            yield from rows


# --- the walk ------------------------------------------------------------------------------


def walk_events(walk: Walk, rows: Iterable[Any]) -> None:
    """The hot loop: one dict, one JSON encoding, one SHA-256 per event. Raises ChainBroken.

    On return or raise, ``walk`` holds the last event that passed every check.
    """
    expected, prev_hash, last_time, special = walk.seq + 1, walk.hash, walk.time, walk.special
    try:
        for (seq, occurred, actor, role, agency, program, action, object_type, object_id,
             object_version, summary, reason, request_id, linked, stored) in rows:
            if occurred.__class__ is not str:
                occurred = iso_utc(occurred)
            if seq != expected:
                _gap(expected, seq)
            fields = {
                "action": action, "actor_role": role, "actor_user_id": actor,
                "agency_code": agency, "object_id": object_id, "object_type": object_type,
                "object_version": object_version, "occurred_dt": occurred, "prev_hash": linked,
                "program_key": program, "reason": reason, "request_id": request_id, "seq": seq,
                "summary": orjson_loads(summary) if summary.__class__ is str else summary,
            }
            if fast_hash(fields) != stored and not matches_slowly(fields, summary, stored):
                raise ChainBroken(seq, "content does not match its hash (event altered)")
            if linked != prev_hash:
                _bad_link(seq)
            if occurred < last_time:
                raise ChainBroken(seq, f"time goes backwards ({occurred} < {last_time})")
            if seq in special:
                _check_special(walk, seq, stored, object_type, object_id, fields["summary"])
            expected, prev_hash, last_time = seq + 1, stored, occurred
    finally:
        walk.seq, walk.hash, walk.time = expected - 1, prev_hash, last_time


def _gap(expected: int, seq: int) -> None:
    if seq < expected:
        raise ChainBroken(seq, f"sequence repeats or runs backwards (expected {expected})")
    missing = f"{expected}" if seq == expected + 1 else f"{expected}..{seq - 1}"
    raise ChainBroken(expected, f"event {missing} missing (next present is {seq})")


def _bad_link(seq: int) -> None:
    raise ChainBroken(
        seq, f"prev_hash does not match the hash of event {seq - 1} "
        f"(event {seq - 1} rewritten, or this link altered)",
    )


def _check_special(
    walk: Walk, seq: int, stored: str, object_type: str | None, object_id: str | None,
    summary: dict[str, Any],
) -> None:
    for checkpoint in walk.checkpoints.get(seq, ()):
        _check_checkpoint(walk, checkpoint, stored)
    for decision in walk.decisions.get(seq, ()):
        _check_decision(decision, seq, object_type, object_id, summary)


def _check_checkpoint(walk: Walk, checkpoint: CheckpointRef, stored: str) -> None:
    seq = checkpoint.seq
    if not signature_valid(checkpoint, walk.public_keys):
        raise ChainBroken(
            seq, f"{checkpoint.label} signature does not verify "
            f"with the pinned key (key id {checkpoint.key_id})",
        )
    if checkpoint.head_hash != stored:
        raise ChainBroken(
            seq, f"hash differs from signed {checkpoint.label} (chain rewritten up to here)",
        )
    if checkpoint.source and not any(
        c.signature == checkpoint.signature for c in walk.checkpoints[seq] if not c.source
    ):
        raise ChainBroken(
            seq, f"signed {checkpoint.label} is missing from audit_checkpoints (row deleted)",
        )


def signature_valid(checkpoint: CheckpointRef, public_keys: dict[str, Ed25519PublicKey]) -> bool:
    key = public_keys.get(checkpoint.key_id)
    if key is None:
        return False
    try:
        signature = bytes.fromhex(checkpoint.signature)
        key.verify(signature, checkpoint_message(checkpoint.seq, checkpoint.head_hash))
    except (InvalidSignature, ValueError):
        return False
    return True


def _check_decision(
    decision: DecisionRef, seq: int, object_type: str | None, object_id: str | None,
    summary: dict[str, Any],
) -> None:
    label = f"decision #{decision.decision_id}"
    if not isinstance(summary, dict):
        summary = {}
    if object_type != "application" or object_id != str(decision.application_id):
        raise ChainBroken(seq, f"{label} points to an event about another object")
    if summary.get("decision_id", decision.decision_id) != decision.decision_id:
        raise ChainBroken(seq, f"{label} points to the event of another decision")
    if summary.get("answers_digest") != decision.answers_digest:
        raise ChainBroken(seq, f"{label} answers digest differs from its audit event")
    if summary.get("documents_digest") != decision.documents_digest:
        raise ChainBroken(seq, f"{label} documents digest differs from its audit event")


def finish(walk: Walk, unaudited: list[int]) -> None:
    """Checks after the last event: nothing claimed beyond the head, no unaudited decision."""
    beyond = [s for s in walk.special if s > walk.seq]
    if beyond:
        claimed = min(beyond)
        what = "a signed checkpoint" if claimed in walk.checkpoints else "a decision"
        raise ChainBroken(
            walk.seq + 1, f"chain ends at seq {walk.seq} but {what} names seq {claimed} "
            "(events removed from the end)",
        )
    if unaudited:
        raise ChainBroken(None, f"decision #{unaudited[0]} has no audit event (audit_seq empty)")


def verify_chain(
    session: Session,
    *,
    public_keys: dict[str, Ed25519PublicKey] | None = None,
    batch: int = BATCH,
    outside: Iterable[CheckpointRef] = (),
) -> VerifyResult:
    """Verify everything; ``public_keys`` defaults to the pinned keys of the current app;
    ``outside``: checkpoints kept outside the database (``app.audit.outside.read_paths``)."""
    started = time.perf_counter()
    decisions, unaudited = load_decisions(session)
    checkpoints = load_checkpoints(session)
    for ref in outside:
        checkpoints.setdefault(ref.seq, []).append(ref)
    walk = Walk(decisions, checkpoints, public_keys if public_keys is not None else _pinned(keys))
    problem: ChainBroken | None = None
    try:
        with closing(event_rows(session, batch)) as rows:  # closes the cursor at once on a break
            walk_events(walk, rows)
        finish(walk, unaudited)
    except ChainBroken as exc:
        problem = exc
    return _result(walk, problem, time.perf_counter() - started)


def _pinned(keys: Any) -> dict[str, Ed25519PublicKey]:
    try:
        return keys.public_keys()
    except keys.AuditKeyError:
        return {}


def _result(walk: Walk, problem: ChainBroken | None, seconds: float) -> VerifyResult:
    """``head_*`` is the chain head when all is well, else the last event that passed."""
    return VerifyResult(
        ok=problem is None,
        checked=walk.seq,
        first_bad_seq=None if problem is None else problem.seq,
        problem=None if problem is None else problem.problem,
        head_seq=walk.seq,
        head_hash=walk.hash,
        decisions=sum(len(v) for v in walk.decisions.values()),
        checkpoints=sum(len(v) for v in walk.checkpoints.values()),
        seconds=seconds,
        outside=sum(1 for v in walk.checkpoints.values() for c in v if c.source),
    )
