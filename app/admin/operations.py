"""Administrative changes: program periods, budget ceilings, regional quotas, role revocation.

Each change is audited and flushed, never committed. The database constraints back the rules
(``reserved <= ceiling``, ``used <= max_count``); the checks here give the Indonesian message.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import RoleAssignment, User
from app.audit.operations import record
from app.common.errors import Refusal
from app.common.i18n import rupiah
from app.extensions import db
from app.programs.models import Program, ProgramBudget, RegionQuota
from app.regions.models import Region


class AdminRefused(Refusal):
    """A refused admin change; ``field`` names the form field concerned (may be None)."""


def update_program(
    program: Program, admin: User, *, is_open: bool, opens: date | None, closes: date | None
) -> None:
    if opens and closes and closes < opens:
        raise AdminRefused(
            _l("Tanggal tutup harus sama dengan atau setelah tanggal buka."), "window_closes"
        )
    before = {
        "is_open": program.is_open,
        "opens": _iso(program.window_opens),
        "closes": _iso(program.window_closes),
    }
    program.is_open, program.window_opens, program.window_closes = is_open, opens, closes
    db.session.flush()
    record(
        "program.period_changed",
        actor=admin,
        actor_role="admin",
        program_key=program.key,
        object_type="program",
        object_id=program.key,
        summary={
            "before": before,
            "after": {"is_open": is_open, "opens": _iso(opens), "closes": _iso(closes)},
        },
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def set_ceiling(program: Program, admin: User, *, fiscal_year: int, ceiling: int) -> ProgramBudget:
    """Create or change a ceiling; never below what is already reserved."""
    budget = db.session.scalar(
        sa.select(ProgramBudget)
        .where(ProgramBudget.program_key == program.key, ProgramBudget.fiscal_year == fiscal_year)
        .with_for_update()
    )
    if budget is not None and ceiling < budget.reserved:
        raise AdminRefused(
            _l("Pagu tidak boleh di bawah dana yang sudah dicadangkan (%(reserved)s).",
               reserved=rupiah(budget.reserved)),
            "ceiling",
        )
    before = budget.ceiling if budget else None
    if budget is None:
        budget = ProgramBudget(
            program_key=program.key, fiscal_year=fiscal_year, ceiling=ceiling, reserved=0
        )
        db.session.add(budget)
    budget.ceiling = ceiling
    db.session.flush()
    record(
        "program.ceiling_set",
        actor=admin,
        actor_role="admin",
        program_key=program.key,
        object_type="program_budget",
        object_id=budget.id,
        summary={"fiscal_year": fiscal_year, "before": before, "after": ceiling},
    )
    return budget


def set_quota(
    program: Program, admin: User, *, fiscal_year: int, region_code: str, max_count: int
) -> RegionQuota:
    if db.session.get(Region, region_code) is None:
        raise AdminRefused(_l("Kode wilayah tidak dikenal."), "region_code")
    quota = db.session.scalar(
        sa.select(RegionQuota)
        .where(
            RegionQuota.program_key == program.key,
            RegionQuota.fiscal_year == fiscal_year,
            RegionQuota.region_code == region_code,
        )
        .with_for_update()
    )
    if quota is not None and max_count < quota.used:
        raise AdminRefused(
            _l("Kuota tidak boleh di bawah jumlah yang sudah ditetapkan (%(used)s).",
               used=quota.used),
            "max_count",
        )
    before = quota.max_count if quota else None
    if quota is None:
        quota = RegionQuota(
            program_key=program.key,
            fiscal_year=fiscal_year,
            region_code=region_code,
            max_count=max_count,
            used=0,
        )
        db.session.add(quota)
    quota.max_count = max_count
    db.session.flush()
    record(
        "program.quota_set",
        actor=admin,
        actor_role="admin",
        program_key=program.key,
        object_type="region_quota",
        object_id=quota.id,
        summary={
            "fiscal_year": fiscal_year,
            "region": region_code,
            "before": before,
            "after": max_count,
        },
    )
    return quota


def revoke_role(assignment: RoleAssignment, admin: User) -> None:
    user = assignment.user
    if user.id == admin.id and assignment.role == "admin":
        raise AdminRefused(_l("Anda tidak dapat mencabut peran admin Anda sendiri."))
    summary = {
        "role": assignment.role,
        "agency_code": assignment.agency_code,
        "region_code": assignment.region_code,
    }
    user.roles.remove(assignment)
    db.session.flush()
    record(
        "account.role_revoked",
        actor=admin,
        actor_role="admin",
        object_type="user",
        object_id=user.id,
        agency_code=summary["agency_code"],
        summary=summary,
    )
