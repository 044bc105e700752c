"""Budget ceilings and regional quotas, safe under concurrent approvals.

Each reservation is one conditional UPDATE (``reserved = reserved + :amount WHERE reserved +
:amount <= ceiling``): the database serialises the row, so the ceiling cannot be exceeded however
many approvals race. ``guarded=False`` exists only for the control test that proves the race
is real.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.applications.models import Application
from app.common.errors import Refusal
from app.common.i18n import rupiah
from app.db import utcnow
from app.extensions import db
from app.programs.models import BudgetReservation, ProgramBudget, RegionQuota
from workflows import ProgramDefinition


class BudgetExceeded(Refusal):
    """The ceiling or the regional quota would be exceeded (message translated when read)."""


@dataclass(frozen=True)
class Usage:
    program_key: str
    fiscal_year: int
    ceiling: int
    reserved: int

    @property
    def remaining(self) -> int:
        return self.ceiling - self.reserved


def quota_region(defn: ProgramDefinition, application: Application) -> str | None:
    if defn.quota is None:
        return None
    return application.desa_code if defn.quota.per == "desa" else application.kecamatan_code


def _quota_row(program_key: str, year: int, region: str) -> RegionQuota | None:
    return db.session.scalar(
        sa.select(RegionQuota).where(
            RegionQuota.program_key == program_key,
            RegionQuota.fiscal_year == year,
            RegionQuota.region_code == region,
        )
    )


def quota_limit(defn: ProgramDefinition, year: int, region: str) -> int:
    """The one limit of a region's quota: the administrator's number when set, else the
    definition's. The guard's pre-check and the reservation both read it."""
    row = _quota_row(defn.key, year, region)
    return row.max_count if row is not None else defn.quota.for_area(region)


def quota_left(defn: ProgramDefinition, year: int, region: str) -> int:
    """How many more awards the region's quota allows (the limit less those reserved)."""
    row = _quota_row(defn.key, year, region)
    if row is None:
        return defn.quota.for_area(region)
    return row.max_count - row.used


def reserve(
    defn: ProgramDefinition, application: Application, amount: int, *, guarded: bool = True
) -> BudgetReservation:
    """Reserve ``amount`` against the ceiling (and the quota); raise BudgetExceeded otherwise."""
    if amount <= 0:
        raise BudgetExceeded(_l("Nilai bantuan harus lebih dari nol."))
    _take_budget(defn.key, application.fiscal_year, amount, guarded=guarded)
    region = quota_region(defn, application)
    if region is not None:
        _take_quota(defn, application.fiscal_year, region)
    reservation = BudgetReservation(
        application_id=application.id,
        program_key=defn.key,
        fiscal_year=application.fiscal_year,
        amount=amount,
        region_code=region,
    )
    db.session.add(reservation)
    db.session.flush()
    return reservation


def _take_budget(program_key: str, year: int, amount: int, *, guarded: bool) -> None:
    where = [ProgramBudget.program_key == program_key, ProgramBudget.fiscal_year == year]
    if not guarded:
        _take_budget_unguarded(where, amount)
        return
    result = db.session.execute(
        sa.update(ProgramBudget)
        .where(*where, ProgramBudget.reserved + amount <= ProgramBudget.ceiling)
        .values(reserved=ProgramBudget.reserved + amount)
    )
    if result.rowcount != 1:
        raise BudgetExceeded(_budget_message(program_key, year))


def _take_budget_unguarded(where: list, amount: int) -> None:
    """Read-check-write: the classic lost-update race, kept only to prove the tests catch it."""
    budget = db.session.scalar(sa.select(ProgramBudget).where(*where))
    if budget is None or budget.reserved + amount > budget.ceiling:
        raise BudgetExceeded(_l("Pagu anggaran tidak mencukupi."))
    db.session.execute(
        sa.update(ProgramBudget).where(*where).values(reserved=budget.reserved + amount)
    )


def _budget_message(program_key: str, year: int) -> Any:
    budget = db.session.scalar(
        sa.select(ProgramBudget).where(
            ProgramBudget.program_key == program_key, ProgramBudget.fiscal_year == year
        )
    )
    if budget is None:
        return _l("Pagu anggaran program untuk tahun %(year)s belum ditetapkan.", year=year)
    remaining = rupiah(budget.ceiling - budget.reserved)
    return _l("Pagu anggaran tahun %(year)s tidak mencukupi: sisa %(remaining)s.", year=year,
              remaining=remaining)


def _take_quota(defn: ProgramDefinition, year: int, region: str) -> None:
    _ensure_quota_row(defn, year, region)
    result = db.session.execute(
        sa.update(RegionQuota)
        .where(
            RegionQuota.program_key == defn.key,
            RegionQuota.fiscal_year == year,
            RegionQuota.region_code == region,
            RegionQuota.used < RegionQuota.max_count,
        )
        .values(used=RegionQuota.used + 1)
    )
    if result.rowcount != 1:
        raise BudgetExceeded(
            _l("Kuota wilayah %(region)s untuk tahun %(year)s sudah penuh.", region=region,
               year=year))


def _ensure_quota_row(defn: ProgramDefinition, year: int, region: str) -> None:
    """The row the reservation updates, created with ``quota_limit``'s default when missing."""
    if _quota_row(defn.key, year, region) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                RegionQuota(
                    program_key=defn.key,
                    fiscal_year=year,
                    region_code=region,
                    max_count=quota_limit(defn, year, region),
                )
            )
    except IntegrityError:
        pass  # created by a concurrent approval: the conditional UPDATE decides


def release(application: Application) -> BudgetReservation | None:
    """Give back what the application reserved (rejection, withdrawal, cancellation)."""
    reservation = db.session.scalar(
        sa.select(BudgetReservation).where(
            BudgetReservation.application_id == application.id,
            BudgetReservation.status == "reserved",
        )
    )
    if reservation is None:
        return None
    db.session.execute(
        sa.update(ProgramBudget)
        .where(
            ProgramBudget.program_key == reservation.program_key,
            ProgramBudget.fiscal_year == reservation.fiscal_year,
        )
        .values(reserved=ProgramBudget.reserved - reservation.amount)
    )
    if reservation.region_code:
        db.session.execute(
            sa.update(RegionQuota)
            .where(
                RegionQuota.program_key == reservation.program_key,
                RegionQuota.fiscal_year == reservation.fiscal_year,
                RegionQuota.region_code == reservation.region_code,
            )
            .values(used=RegionQuota.used - 1)
        )
    reservation.status, reservation.released_dt = "released", utcnow()
    db.session.flush()
    return reservation


def usage(program_key: str, fiscal_year: int) -> Usage | None:
    budget = db.session.scalar(
        sa.select(ProgramBudget).where(
            ProgramBudget.program_key == program_key, ProgramBudget.fiscal_year == fiscal_year
        )
    )
    if budget is None:
        return None
    return Usage(program_key, fiscal_year, budget.ceiling, budget.reserved)


def usage_by_kecamatan(program_key: str, fiscal_year: int) -> dict[str, tuple[int, int]]:
    """kecamatan code → (approved count, reserved amount)."""
    rows = db.session.execute(
        sa.select(
            Application.kecamatan_code, sa.func.count(), sa.func.sum(BudgetReservation.amount)
        )
        .join(Application, Application.id == BudgetReservation.application_id)
        .where(
            BudgetReservation.program_key == program_key,
            BudgetReservation.fiscal_year == fiscal_year,
            BudgetReservation.status == "reserved",
        )
        .group_by(Application.kecamatan_code)
    ).all()
    return {code: (count, int(total or 0)) for code, count, total in rows if code}
