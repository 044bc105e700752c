"""Operators nominate people for any program that declares ``nomination:``, one by one (page,
API) or from a CSV/XLSX file (columns: ``nomination_rows``).

Each accepted row becomes a Person (NIK encrypted) and a *draft* application at the program's
initial stage, owned and nominated by the operator, with the row's answers checked by the
declared form. The nominee's eligibility is judged at once and every rule that does not pass is
reported with its reason, so nobody reads "accepted" as "eligible". Documents cannot travel in a
spreadsheet: the operator uploads them per person on the application's pages and submits each
one when complete. A refused row leaves nothing behind (each row runs in its own savepoint).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.accounts.roles import SCHOOL_OPERATOR, VILLAGE_OPERATOR
from app.applications import eligibility
from app.applications import operations as applications
from app.applications.models import Application
from app.applications.nomination_rows import RowRefused, parse_row
from app.applications.permissions import (
    can_nominate_for,
    nominating_programs,
    operator_desa,
    operator_school,
)
from app.common import pii
from app.extensions import db
from app.organizations import operations as organizations
from app.organizations.models import Person
from app.programs.registry import registry
from app.registers.operations import RegisterFileError, read_rows
from workflows import ProgramDefinition

UNSUCCESSFUL = ("rejected", "withdrawn")
MAX_ROWS = 1000


@dataclass
class RowOutcome:
    number: int
    name: str
    accepted: bool
    message: str
    application_id: int | None = None
    #: the rules (and repeat limits) that did not pass, each ``{key, outcome, blocking, reason}``
    unmet: list[dict] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.accepted and not any(r["blocking"] for r in self.unmet)

    def reasons(self) -> list[str]:
        lang = "en" if (get_locale() and get_locale().language == "en") else "id"
        return [f'{r["message"].get(lang) or r["message"]["id"]} ({r["reason"].get(lang)})'
                for r in self.unmet]


@dataclass
class NominationReport:
    rows: list[RowOutcome] = field(default_factory=list)
    error: str | None = None

    @property
    def accepted(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.accepted]

    @property
    def refused(self) -> list[RowOutcome]:
        return [r for r in self.rows if not r.accepted]

    @property
    def ineligible(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.accepted and not r.eligible]


def program_for(user: User, key: str | None) -> ProgramDefinition | None:
    """The program ``key`` if the user may nominate for it; without a key, the only one."""
    if key:
        defn = registry().current(key)
        return defn if can_nominate_for(user, defn) else None
    from_user = nominating_programs(user)
    return from_user[0] if len(from_user) == 1 else None


def scope_desa(user: User, defn: ProgramDefinition) -> str | None:
    """The desa rows must belong to (a village operator's); None: any desa of the regency."""
    return operator_desa(user) if defn.nomination.by == VILLAGE_OPERATOR else None


def scope_school(user: User, defn: ProgramDefinition) -> str | None:
    """The school (NPSN) a school operator's nominations belong to; None for a village's."""
    return operator_school(user) if defn.nomination.by == SCHOOL_OPERATOR else None


def _in_school(operator: User, defn: ProgramDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """A school operator nominates their own pupils: the answers carry the operator's NPSN (the
    school the program's stages and reports read), and a row naming another school is refused."""
    school = scope_school(operator, defn)
    if school is None:
        return answers
    named = str(answers.get("school_npsn") or "").strip()
    if named and named != school:
        raise RowRefused(_l("Bukan siswa sekolah Anda: NPSN %(npsn)s berbeda dengan %(school)s.",
                            npsn=named, school=school), field="school_npsn")
    return {**answers, "school_npsn": school}


def _existing_person(nik: str) -> Person | None:
    return db.session.scalar(
        sa.select(Person).where(Person.nik_bidx == pii.blind_index(nik, purpose="nik")))


def _nominated_this_year(person: Person, defn: ProgramDefinition, fiscal_year: int, *,
                         besides: int) -> Application | None:
    """A live nomination of the person this fiscal year other than application ``besides``.
    (Without excluding it, the database may return the new draft itself first, and a
    second nomination of the same NIK would go through.)"""
    return db.session.scalar(sa.select(Application).where(
        Application.person_id == person.id, Application.program_key == defn.key,
        Application.fiscal_year == fiscal_year, Application.id != besides,
        sa.or_(Application.outcome.is_(None), Application.outcome.not_in(UNSUCCESSFUL)))
        .order_by(Application.id).limit(1))


def nominate(operator: User, defn: ProgramDefinition, values: dict[str, Any]
             ) -> tuple[Application, list[dict]]:
    """One nomination: person (reused when the NIK is known), account, draft and answers;
    with the eligibility rules and repeat limits that did not pass."""
    answers = _in_school(operator, defn, values.get("answers") or {})
    person = _existing_person(values["nik"])
    if person is None:
        person = organizations.create_nominated_person(operator, values, values["nik"])
    elif person.desa_code and person.desa_code != values["desa_code"]:
        raise RowRefused(_l("NIK ini terdaftar sebagai warga desa lain."))
    if values.get("bank_name") and values.get("bank_number"):
        organizations.set_bank_account(operator, bank_name=values["bank_name"],
                                       number=values["bank_number"],
                                       holder_name=values["full_name"], person=person)
    application = applications.create_draft(defn.key, owner=operator, person=person,
                                            nominated_by=operator)
    earlier = _nominated_this_year(person, defn, application.fiscal_year, besides=application.id)
    if earlier is not None:
        raise RowRefused(_l("NIK ganda: sudah diusulkan tahun anggaran %(year)s (%(number)s).",
                            year=application.fiscal_year, number=earlier.number))
    if answers:
        applications.update_answers(application, operator, answers)
    db.session.flush()
    unmet = [r for r in eligibility.precheck(defn, application) if r["outcome"] != "pass"]
    return application, unmet


def nominate_one(operator: User, defn: ProgramDefinition, row: dict[str, Any]
                 ) -> tuple[Application, list[dict]]:
    """A single nomination (page or API) given as a row of the program's file;
    RowRefused, ProfileError or ApplicationError when refused."""
    values = parse_row(defn, row, scope_desa(operator, defn))
    with db.session.begin_nested():
        return nominate(operator, defn, values)


def import_file(operator: User, defn: ProgramDefinition, filename: str,
                content: bytes) -> NominationReport:
    """Row by row: each accepted row is a draft; each refused row says why."""
    report = NominationReport()
    desa = scope_desa(operator, defn)
    try:
        rows = read_rows(filename, content)
    except RegisterFileError as exc:
        report.error = str(exc)
        return report
    if len(rows) > MAX_ROWS:
        report.error = _("Berkas berisi lebih dari %(max)s baris; bagi menjadi beberapa berkas.",
                         max=MAX_ROWS)
        return report
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        report.rows.append(_import_row(operator, defn, desa, number, row, seen))
    return report


def _import_row(operator: User, defn: ProgramDefinition, desa: str | None, number: int,
                row: dict, seen: set[str]) -> RowOutcome:
    name = (row.get("nama") or "").strip()
    try:
        values = parse_row(defn, row, desa)
        if values["nik"] in seen:
            raise RowRefused(_l("NIK ganda: NIK yang sama sudah ada di baris lain berkas ini."))
        seen.add(values["nik"])
        with db.session.begin_nested():
            application, unmet = nominate(operator, defn, values)
    except RowRefused as refused:
        return RowOutcome(number, name, False, str(refused))
    except organizations.ProfileError as refused:
        return RowOutcome(number, name, False, refused.message)
    except applications.ApplicationError as refused:
        return RowOutcome(number, name, False, str(refused))
    return RowOutcome(number, name, True, _("Diterima sebagai usulan (draf)."), application.id,
                      unmet)
