"""Aggregates per program and fiscal year for the staff dashboard and the public page.

Only counts and sums: nothing here identifies a person, so the same figures serve
``/transparansi``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.agencies.models import Agency
from app.applications.models import Application, StageTask
from app.db import utcnow
from app.extensions import db
from app.programs import budget
from app.programs.models import Program, ProgramBudget
from app.programs.registry import registry
from app.regions.models import Region


@dataclass
class SlaRow:
    agency: str
    on_time: int
    late: int
    open_overdue: int

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def percent(self) -> int | None:
        return round(100 * self.on_time / self.done) if self.done else None


@dataclass
class Aggregates:
    program_key: str
    fiscal_year: int
    per_stage: list[tuple[str, object, int]] = field(default_factory=list)
    submitted: int = 0
    approved: int = 0
    rejected: int = 0
    withdrawn: int = 0
    completed: int = 0
    ceiling: int | None = None
    reserved: int = 0
    per_kecamatan: list[tuple[str, str, int, int]] = field(default_factory=list)
    sla: list[SlaRow] = field(default_factory=list)

    @property
    def budget_percent(self) -> int | None:
        return round(100 * self.reserved / self.ceiling) if self.ceiling else None


def programs() -> list[Program]:
    return list(db.session.scalars(sa.select(Program).order_by(Program.name)))


def fiscal_years(program_key: str) -> list[int]:
    """Years with applications or a budget, newest first."""
    years = set(
        db.session.scalars(
            sa.select(Application.fiscal_year)
            .where(Application.program_key == program_key)
            .distinct()
        )
    )
    years |= set(
        db.session.scalars(
            sa.select(ProgramBudget.fiscal_year).where(ProgramBudget.program_key == program_key)
        )
    )
    return sorted(years, reverse=True)


def _base(program_key: str, year: int) -> list:
    return [
        Application.program_key == program_key,
        Application.fiscal_year == year,
        Application.submitted_dt.is_not(None),
    ]


def aggregates(program_key: str, year: int) -> Aggregates:
    result = Aggregates(program_key, year)
    where = _base(program_key, year)
    by_stage = dict(
        db.session.execute(
            sa.select(Application.stage, sa.func.count()).where(*where).group_by(Application.stage)
        )
        .tuples()
        .all()
    )
    defn = registry().current(program_key)
    if defn is not None:
        result.per_stage = [
            (s.key, s.name, by_stage.get(s.key, 0))
            for s in defn.stages
            if s.key != defn.initial_stage
        ]
    result.submitted = sum(by_stage.values())
    outcomes = dict(
        db.session.execute(
            sa.select(Application.outcome, sa.func.count())
            .where(*where)
            .group_by(Application.outcome)
        )
        .tuples()
        .all()
    )
    result.rejected, result.withdrawn = outcomes.get("rejected", 0), outcomes.get("withdrawn", 0)
    result.completed = outcomes.get("completed", 0)
    result.approved = (
        db.session.scalar(
            sa.select(sa.func.count()).where(*where, Application.amount_approved.is_not(None))
        )
        or 0
    )
    usage = budget.usage(program_key, year)
    if usage is not None:
        result.ceiling, result.reserved = usage.ceiling, usage.reserved
    result.per_kecamatan = _per_kecamatan(program_key, year)
    result.sla = _sla(program_key, year)
    return result


def _per_kecamatan(program_key: str, year: int) -> list[tuple[str, str, int, int]]:
    """Every kecamatan (29), with submitted and approved counts, in code order."""
    counts = dict(
        db.session.execute(
            sa.select(Application.kecamatan_code, sa.func.count())
            .where(*_base(program_key, year))
            .group_by(Application.kecamatan_code)
        )
        .tuples()
        .all()
    )
    approved = budget.usage_by_kecamatan(program_key, year)
    regions = db.session.execute(
        sa.select(Region.code, Region.name).where(Region.level == "kecamatan").order_by(Region.code)
    ).all()
    return [
        (code, name, counts.get(code, 0), approved.get(code, (0, 0))[0]) for code, name in regions
    ]


def _sla(program_key: str, year: int) -> list[SlaRow]:
    t = StageTask
    rows = db.session.execute(
        sa.select(
            Agency.code,
            sa.func.count().filter(t.completed_dt.is_not(None), t.completed_dt <= t.due_dt),
            sa.func.count().filter(t.completed_dt.is_not(None), t.completed_dt > t.due_dt),
            sa.func.count().filter(t.completed_dt.is_(None), t.due_dt < utcnow()),
        )
        .join(Application, Application.id == t.application_id)
        .join(Agency, Agency.id == t.agency_id)
        .where(Application.program_key == program_key, Application.fiscal_year == year)
        .group_by(Agency.code)
        .order_by(Agency.code)
    ).all()
    return [SlaRow(*row) for row in rows]
