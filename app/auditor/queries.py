"""Read-only questions auditors ask of the trail: filtered pages, streams, who read whose data.

Pagination is by keyset on ``seq`` (``WHERE seq > :after``), never OFFSET: page 10,000 costs
what page 1 costs, and pages do not shift while events are appended.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.applications.models import Application
from app.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from app.audit.models import AuditEvent
from app.audit.operations import PERSONAL_DATA_READ
from app.extensions import db

PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class AuditFilter:
    """Every field optional. ``action`` ending in ``.`` or ``*`` matches a prefix (``decision.``);
    the period is half-open: ``since <= occurred_dt < until``."""

    program_key: str | None = None
    agency_code: str | None = None
    actor_user_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    object_type: str | None = None
    object_id: str | None = None

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        e = AuditEvent
        equal = {
            e.program_key: self.program_key, e.agency_code: self.agency_code,
            e.actor_user_id: self.actor_user_id, e.object_type: self.object_type,
            e.object_id: None if self.object_id is None else str(self.object_id),
        }
        where = [column == value for column, value in equal.items() if value is not None]
        if self.action:
            where.append(_action_condition(self.action))
        if self.since is not None:
            where.append(e.occurred_dt >= self.since)
        if self.until is not None:
            where.append(e.occurred_dt < self.until)
        return where


def _action_condition(action: str) -> sa.ColumnElement[bool]:
    if action.endswith(("*", ".")):
        prefix = action.rstrip("*")
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return AuditEvent.action.like(f"{escaped}%", escape="\\")
    return AuditEvent.action == action


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    next_after: int | None  # pass as ``after`` for the next page; None when this is the last


def events_query(filters: AuditFilter) -> sa.Select[tuple[AuditEvent]]:
    return sa.select(AuditEvent).where(*filters.conditions())


def page(filters: AuditFilter, *, after: int | None = None, limit: int = PAGE_SIZE) -> Page:
    """Events matching ``filters`` with ``seq > after``, oldest first."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = events_query(filters).order_by(AuditEvent.seq).limit(limit + 1)
    if after is not None:
        query = query.where(AuditEvent.seq > after)
    events = list(db.session.scalars(query))
    more = len(events) > limit
    events = events[:limit]
    return Page(events, events[-1].seq if more else None)


EXPORT_COLUMNS = (
    "seq", "occurred_dt", "actor_user_id", "actor_role", "agency_code", "program_key", "action",
    "object_type", "object_id", "object_version", "summary", "reason", "request_id",
    "prev_hash", "hash",
)


def iter_rows(filters: AuditFilter, *, batch: int = 2000) -> Iterator[tuple[Any, ...]]:
    """Matching events as plain tuples in ``EXPORT_COLUMNS`` order, streamed by keyset batches.

    Batches (not one long server-side cursor) keep each query short, so an export of millions of
    rows never holds a transaction open for minutes.
    """
    columns = [getattr(AuditEvent, name) for name in EXPORT_COLUMNS]
    after = 0
    while True:
        rows = db.session.execute(
            sa.select(*columns).where(*filters.conditions(), AuditEvent.seq > after)
            .order_by(AuditEvent.seq).limit(batch)
        ).tuples().all()
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1][0]


def application_events(application_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(events_query(
        AuditFilter(object_type="application", object_id=str(application_id))
    ).order_by(AuditEvent.seq)))


def _person_application_ids(person_id: int) -> list[str]:
    ids = db.session.scalars(sa.select(Application.id).where(Application.person_id == person_id))
    return [str(i) for i in ids]


def about_person(person_id: int) -> sa.ColumnElement[bool]:
    """Events whose object is the person, one of their applications, or their user account."""

    e = AuditEvent
    user_ids = [str(i) for i in db.session.scalars(
        sa.select(User.id).where(User.person_id == person_id)
    )]
    return sa.or_(
        sa.and_(e.object_type == "person", e.object_id == str(person_id)),
        sa.and_(e.object_type == "application", e.object_id.in_(
            _person_application_ids(person_id))),
        sa.and_(e.object_type == "user", e.object_id.in_(user_ids)),
    )


def events_about_person(person_id: int) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(about_person(person_id)).order_by(AuditEvent.seq)
    return list(db.session.scalars(query))


def who_read_person(person_id: int) -> list[AuditEvent]:
    """Every recorded read of this person's full NIK or documents, oldest first."""
    e = AuditEvent
    query = (
        sa.select(e)
        .where(e.action == PERSONAL_DATA_READ, about_person(person_id))
        .order_by(e.seq)
    )
    return list(db.session.scalars(query))


def intact_events(events: list[AuditEvent]) -> dict[int, bool]:
    """seq → whether the event still hashes to its stored hash and links to its predecessor.

    A local check of a few events (one application's trail); ``verify.verify_chain`` walks all.
    """

    before = {e.seq - 1 for e in events if e.seq > 1}
    hashes = dict(db.session.execute(
        sa.select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(before))
    ).tuples().all()) if before else {}
    result = {}
    for event in events:
        fields = {name: getattr(event, name) for name in HASHED_FIELDS}
        expected_prev = GENESIS_HASH if event.seq == 1 else hashes.get(event.seq - 1)
        result[event.seq] = event_hash(fields) == event.hash and event.prev_hash == expected_prev
    return result
