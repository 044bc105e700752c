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
from app.applications.parties import Parties, kind_of
from app.common.i18n import jakarta_today as today  # the day every date rule reads
from app.extensions import db
from app.organizations.models import BankAccount, Organization, Person
from app.programs import awards
from app.programs.models import Program
from app.registers.operations import is_listed
from workflows import ProgramDefinition
from workflows.model import AllOf, AnyOf, Condition, FactRef, Not

CLOSED_UNSUCCESSFUL = ("rejected", "withdrawn")


def rule_facts(defn: ProgramDefinition) -> frozenset[str]:
    """The fact names the program's eligibility rules read (conditions and their references)."""
    names: set[str] = set()

    def walk(check: Any) -> None:
        if isinstance(check, Condition):
            names.add(check.fact)
            if check.ref:
                names.add(check.ref)
            if isinstance(check.value, FactRef):
                names.add(check.value.fact)
        elif isinstance(check, AllOf | AnyOf):
            for item in check.items:
                walk(item)
        elif isinstance(check, Not):
            walk(check.item)

    for rule in defn.eligibility:
        walk(rule.check)
    return frozenset(names)


def _reads(names: frozenset[str], prefix: str) -> bool:
    return any(n == prefix or n.startswith(prefix + ".") for n in names)


def organization_facts(org: Organization, has_bank_account: bool | None = None,
                       ) -> dict[str, Any]:
    if has_bank_account is None:
        has_bank_account = _has_account(organization_id=org.id)
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
        "has_bank_account": has_bank_account,
        **{k: v for k, v in (org.profile or {}).items() if isinstance(k, str)},
    }


def person_facts(person: Person, has_bank_account: bool | None = None) -> dict[str, Any]:
    if has_bank_account is None:
        has_bank_account = _has_account(person_id=person.id)
    return {
        "desa_code": person.desa_code,
        "is_civil_servant": person.is_civil_servant,
        "has_fixed_income": person.has_fixed_income,
        "npwp": person.npwp,
        "nisn": person.nisn,
        "school_level": person.school_level,
        "teaching_since": person.teaching_since,
        "has_bank_account": has_bank_account,
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
    """How many awards (approved, not later cancelled) the same party has had, per program."""
    return {f"{key}_grants": n for key, n in awards.grants_by_program(application).items()}


def gather(
    application: Application, defn: ProgramDefinition, parties: Parties | None = None
) -> dict[str, Any]:
    """The facts the program's rules read. Look-ups no rule needs (registers, grant history, a
    second bank-account query) are skipped; the basis stored with the results stays complete
    for what was evaluated."""
    parties = parties or Parties.of(application)
    org, person = parties.organization, parties.person
    needed = rule_facts(defn)
    has_account = parties.account is not None
    facts: dict[str, Any] = {
        "org": organization_facts(org, has_account) if org else {},
        "person": {},
        "answers": dict(application.answers or {}),
        "register": register_facts(org, person) if _reads(needed, "register") else {},
        "history": {f"{defn.key}_grants": 0},
        "today": today(),
        "fiscal_year": application.fiscal_year,
        "applicant_kind": kind_of(org),
    }
    if person is not None and org is None:
        facts["person"] = person_facts(person, has_account)
    elif person is not None and "person.has_bank_account" in needed:
        facts["person"] = person_facts(person)  # the account above is the organisation's
    elif person is not None:
        facts["person"] = person_facts(person, False)
        del facts["person"]["has_bank_account"]  # not looked up, so not part of the basis
    if _reads(needed, "history"):
        facts["history"].update(history_facts(application))
    return facts


#: built once: ``Session.get`` builds and annotates a new statement on every call
_PROGRAM = sa.select(Program).where(Program.key == sa.bindparam("key"))


def window_facts(defn: ProgramDefinition) -> dict[str, Any]:
    """The admin-managed period when set on the program row, else the definition's window."""
    program = db.session.scalar(_PROGRAM, {"key": defn.key})
    opens = program.window_opens if program and program.window_opens else defn.window.opens
    closes = program.window_closes if program and program.window_closes else defn.window.closes
    is_open = program.is_open if program else True
    return {"window_opens": opens, "window_closes": closes if is_open else date.min}
