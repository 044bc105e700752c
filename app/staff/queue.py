"""Reviewer queues: the open stage tasks of the user's agencies and roles, fast at any size.

Pages are keyset-paginated on ``(due_dt, id)``: each (agency, role) the user works in is one
index range scan on ``ix_stage_tasks_open_role_queue`` (or ``…_open_stage_queue`` when a stage is
chosen) that starts right after the cursor and stops after one page; the scopes are merged with
UNION ALL. Page 40,000 costs what page 1 costs (see ``bench/queue.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.accounts import scopes
from app.accounts.models import User
from app.applications.models import Application, ApplicationIdentifier, DuplicateFlag, StageTask
from app.applications.permissions import work_limits, work_scopes
from app.common import pii
from app.db import utcnow
from app.extensions import db
from app.organizations.models import Person

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
NIK_RE = re.compile(r"^\d{16}$")
NUMBER_RE = re.compile(r"^[A-Za-z_]+-\d{4}-\d+$")


@dataclass(frozen=True)
class QueueFilter:
    program: str | None = None
    stage: str | None = None
    kecamatan: str | None = None
    desa: str | None = None
    overdue: bool = False
    duplicate: bool = False
    claimed: str | None = None  # "mine" | "free"
    q: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilter:
        def text(name: str, size: int = 60) -> str | None:
            value = (args.get(name) or "").strip()
            return value[:size] or None

        claimed = text("diambil")
        return cls(
            program=text("program"),
            stage=text("tahap"),
            kecamatan=text("kecamatan"),
            desa=text("desa"),
            overdue=args.get("terlambat") == "1",
            duplicate=args.get("ganda") == "1",
            claimed=claimed if claimed in ("mine", "free") else None,
            q=text("cari", 150),
        )

    def as_args(self) -> dict[str, str]:
        names = {
            "program": "program",
            "stage": "tahap",
            "kecamatan": "kecamatan",
            "desa": "desa",
            "claimed": "diambil",
            "q": "cari",
        }
        args = {names[k]: v for k, v in asdict(self).items() if k in names and v}
        if self.overdue:
            args["terlambat"] = "1"
        if self.duplicate:
            args["ganda"] = "1"
        return args


@dataclass(frozen=True)
class Cursor:
    due_dt: datetime
    id: int

    def encode(self) -> str:
        return f"{self.due_dt.isoformat()}~{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        if not value or "~" not in value:
            return None
        moment, _, ident = value.rpartition("~")
        try:
            due = datetime.fromisoformat(moment)
            return cls(due, int(ident)) if due.tzinfo else None
        except ValueError:
            return None


@dataclass
class QueueRow:
    task: StageTask
    application: Application
    duplicate: bool


@dataclass
class QueuePage:
    rows: list[QueueRow] = field(default_factory=list)
    next_cursor: Cursor | None = None


def _search_condition(q: str) -> sa.ColumnElement[bool]:
    """NIK (exact, by blind index), application number (exact) or applicant name (contains)."""
    digits = re.sub(r"[\s.\-]", "", q)
    if NIK_RE.match(digits):
        bidx = pii.blind_index(digits, purpose="nik")
        by_identifier = sa.select(ApplicationIdentifier.application_id).where(
            ApplicationIdentifier.kind == "nik", ApplicationIdentifier.value_bidx == bidx
        )
        by_person = sa.select(Person.id).where(Person.nik_bidx == bidx)
        return sa.or_(Application.id.in_(by_identifier), Application.person_id.in_(by_person))
    if NUMBER_RE.match(q):
        return Application.number == q.upper()
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Application.applicant_name.ilike(f"%{escaped}%", escape="\\")


def _application_conditions(filters: QueueFilter) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if filters.program:
        where.append(Application.program_key == filters.program)
    if filters.desa:
        where.append(Application.desa_code == filters.desa)
    elif filters.kecamatan:
        where.append(Application.kecamatan_code == filters.kecamatan)
    if filters.q:
        where.append(_search_condition(filters.q))
    return where


def _task_conditions(filters: QueueFilter, user: User, now: datetime) -> list:
    where: list = [StageTask.completed_dt.is_(None)]
    if filters.stage:
        where.append(StageTask.stage == filters.stage)
    if filters.overdue:
        where.append(StageTask.due_dt < now)
    if filters.claimed == "mine":
        where.append(StageTask.claimed_by_user_id == user.id)
    elif filters.claimed == "free":
        where.append(StageTask.claimed_by_user_id.is_(None))
    if filters.duplicate:
        where.append(sa.exists().where(DuplicateFlag.application_id == StageTask.application_id))
    return where


def scope_query(
    agency_id: int,
    role: str,
    filters: QueueFilter,
    user: User,
    after: Cursor | None,
    limit: int,
    now: datetime,
) -> sa.Select:
    """One (agency, role) slice of the queue: ids and due dates, in (due_dt, id) order."""
    query = sa.select(StageTask.id, StageTask.due_dt).where(
        StageTask.agency_id == agency_id,
        StageTask.role == role,
        *_task_conditions(filters, user, now),
    )
    app_where = _application_conditions(filters)
    narrowed = work_limits(user, agency_id, role)
    if narrowed:  # a kecamatan office's reviewer: its kecamatan only (declared scopes)
        app_where.append(scopes.sql_within(Application, narrowed))
    if app_where:
        query = query.join(Application, Application.id == StageTask.application_id).where(
            *app_where
        )
    if after is not None:
        query = query.where(sa.tuple_(StageTask.due_dt, StageTask.id) > (after.due_dt, after.id))
    return query.order_by(StageTask.due_dt, StageTask.id).limit(limit)


def page_ids_query(
    user: User,
    filters: QueueFilter,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
) -> sa.Select | None:
    """The ids of one page (limit + 1 rows, to know whether there is a next page)."""
    now = now or utcnow()
    parts = [
        scope_query(agency, role, filters, user, after, limit + 1, now)
        for agency, role in work_scopes(user)
    ]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    merged = sa.union_all(*(p.subquery().select() for p in parts)).subquery()
    return (
        sa.select(merged.c.id, merged.c.due_dt)
        .order_by(merged.c.due_dt, merged.c.id)
        .limit(limit + 1)
    )


def page(
    user: User, filters: QueueFilter, after: Cursor | None = None, limit: int = PAGE_SIZE
) -> QueuePage:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = page_ids_query(user, filters, after, limit)
    if query is None:
        return QueuePage()
    found = db.session.execute(query).all()
    more = len(found) > limit
    ids = [row.id for row in found[:limit]]
    rows = _load_rows(ids)
    last = rows[-1].task if rows else None
    return QueuePage(rows, Cursor(last.due_dt, last.id) if more and last else None)


def _load_rows(task_ids: list[int]) -> list[QueueRow]:
    if not task_ids:
        return []
    pairs = db.session.execute(
        sa.select(StageTask, Application)
        .join(Application, Application.id == StageTask.application_id)
        .where(StageTask.id.in_(task_ids))
    ).all()
    flagged = set(
        db.session.scalars(
            sa.select(DuplicateFlag.application_id).where(
                DuplicateFlag.application_id.in_([a.id for _, a in pairs])
            )
        )
    )
    rows = [QueueRow(task, application, application.id in flagged) for task, application in pairs]
    return sorted(rows, key=lambda r: (r.task.due_dt, r.task.id))


def stage_counts(user: User) -> list[tuple[str, int, int]]:
    """(stage, open tasks, overdue tasks) over every scope of the user, busiest first."""
    pairs = work_scopes(user)
    if not pairs:
        return []
    now = utcnow()
    rows = db.session.execute(
        sa.select(StageTask.stage, sa.func.count(), sa.func.count().filter(StageTask.due_dt < now))
        .where(
            StageTask.completed_dt.is_(None),
            sa.or_(*(_pair_condition(user, a, r) for a, r in pairs)),
        )
        .group_by(StageTask.stage)
    ).all()
    return sorted(((s, n, late) for s, n, late in rows), key=lambda r: (-r[1], r[0]))


def _pair_condition(user: User, agency_id: int, role: str) -> sa.ColumnElement:
    """Open tasks of one (agency, role), within the user's declared narrowing of it."""
    condition = sa.and_(StageTask.agency_id == agency_id, StageTask.role == role)
    narrowed = work_limits(user, agency_id, role)
    if not narrowed:
        return condition
    in_scope = sa.select(Application.id).where(scopes.sql_within(Application, narrowed))
    return sa.and_(condition, StageTask.application_id.in_(in_scope))
