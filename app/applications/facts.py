"""The facts eligibility rules and guards read, gathered from the database for one application.

The vocabulary is documented in workflows/README.md (``org.*``, ``person.*``, ``answers.*``,
``register.*``, ``history.*``, ``today``, ``fiscal_year``, ``applicant_kind``). Only what rules
need is gathered; NIK and KK never enter the facts (register look-ups use blind indexes).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from app.applications.models import Application
from app.common.i18n import JAKARTA
from app.db import utcnow
from app.extensions import db
from app.organizations.models import BankAccount, Organization, Person
from app.registers.operations import is_listed
from workflows import ProgramDefinition

CLOSED_UNSUCCESSFUL = ("rejected", "withdrawn")


def today() -> date:
    return utcnow().astimezone(JAKARTA).date()


def organization_facts(org: Organization) -> dict[str, Any]:
    return {
        "kind": org.kind,
        "pesantren_type": org.pesantren_type,
        "nspp": org.nspp,
        "npsn": org.npsn,
        "npwp": org.npwp,
        "ahu_number": org.ahu_number,
        "rat_last_year": org.rat_last_year,
        "active": org.active,
        "founded_on": org.founded_on,
        "desa_code": org.desa_code,
        "has_bank_account": _has_account(organization_id=org.id),
        **{k: v for k, v in (org.profile or {}).items() if isinstance(k, str)},
    }


def person_facts(person: Person) -> dict[str, Any]:
    return {
        "desa_code": person.desa_code,
        "is_civil_servant": person.is_civil_servant,
        "has_fixed_income": person.has_fixed_income,
        "npwp": person.npwp,
        "nisn": person.nisn,
        "school_level": person.school_level,
        "teaching_since": person.teaching_since,
        "has_bank_account": _has_account(person_id=person.id),
    }


def _has_account(**owner: int) -> bool:
    return (
        db.session.scalar(sa.select(BankAccount.id).filter_by(is_current=True, **owner).limit(1))
        is not None
    )


def register_facts(org: Organization | None, person: Person | None) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if org is not None and org.nspp:
        facts["pesantren_registered"] = is_listed("pesantren", "nspp", org.nspp)
    household = [p for p in (person, _guardian(person)) if p is not None]
    if household:
        facts["dtks_listed"] = any(
            (p.nik_bidx and is_listed("dtks", "nik", p.nik_bidx))
            or (p.kk_bidx and is_listed("dtks", "kk", p.kk_bidx))
            for p in household
        )
    return facts


def _guardian(person: Person | None) -> Person | None:
    if person is None or person.guardian_person_id is None:
        return None
    return db.session.get(Person, person.guardian_person_id)


def history_facts(application: Application) -> dict[str, int]:
    """How many grants (approved, not later cancelled) the same party has had, per program."""
    party = (
        Application.organization_id == application.organization_id
        if application.organization_id
        else Application.person_id == application.person_id
    )
    rows = db.session.execute(
        sa.select(Application.program_key, sa.func.count())
        .where(
            party,
            Application.id != application.id,
            Application.decided_dt.is_not(None),
            sa.or_(Application.outcome.is_(None), Application.outcome.not_in(CLOSED_UNSUCCESSFUL)),
        )
        .group_by(Application.program_key)
    ).all()
    return {f"{key}_grants": count for key, count in rows}


def gather(application: Application, defn: ProgramDefinition) -> dict[str, Any]:
    org = (
        db.session.get(Organization, application.organization_id)
        if application.organization_id
        else None
    )
    person = db.session.get(Person, application.person_id) if application.person_id else None
    history = {f"{d}_grants": 0 for d in (defn.key,)}
    history.update(history_facts(application))
    return {
        "org": organization_facts(org) if org else {},
        "person": person_facts(person) if person else {},
        "answers": dict(application.answers or {}),
        "register": register_facts(org, person),
        "history": history,
        "today": today(),
        "fiscal_year": application.fiscal_year,
        "applicant_kind": org.kind if org else "perorangan",
        **_window(defn),
    }


def _window(defn: ProgramDefinition) -> dict[str, Any]:
    """The admin-managed period when set on the program row, else the definition's window."""
    from app.programs.models import Program

    program = db.session.get(Program, defn.key)
    opens = program.window_opens if program and program.window_opens else defn.window.opens
    closes = program.window_closes if program and program.window_closes else defn.window.closes
    is_open = program.is_open if program else True
    return {"window_opens": opens, "window_closes": closes if is_open else date.min}
