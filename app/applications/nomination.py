"""Village operators nominate guru ngaji residents, one by one or from a CSV/XLSX file.

Each accepted row becomes a Person (NIK encrypted) and a *draft* application at the nomination
stage, owned and nominated by the operator. The program asks seven documents per teacher, which
a spreadsheet cannot carry: the operator uploads them per person on the application's pages and
submits each one when it is complete (``fire("submit")`` as the operator). A refused row leaves
nothing behind (each row runs in its own savepoint).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.applications import operations as applications
from app.applications.models import Application
from app.applications.permissions import operator_desa
from app.common import pii
from app.common.errors import Refusal
from app.common.identifiers import (
    IdentifierError,
    normalize_bank_account,
    normalize_mobile_phone,
    normalize_nik,
    normalize_npwp,
)
from app.extensions import db
from app.organizations import operations as organizations
from app.organizations.models import Person
from app.programs.registry import registry
from app.registers.operations import RegisterFileError, read_rows

PROGRAM = "guru_ngaji"
REQUIRED_COLUMNS = ("nama", "nik", "kode_desa", "mengajar_sejak", "jumlah_santri")
# TRANSLATORS: names of the nomination file's columns in "Kolom wajib kosong: ..."
COLUMN_LABELS = {"nama": _l("nama"), "nik": "NIK", "kode_desa": _l("kode desa"),
                 "mengajar_sejak": _l("mulai mengajar"), "jumlah_santri": _l("jumlah santri")}
UNSUCCESSFUL = ("rejected", "withdrawn")
MAX_ROWS = 1000


class RowRefused(Refusal):
    """A nomination row (or the single-nomination form) refused; translated when read."""


@dataclass
class RowOutcome:
    number: int
    name: str
    accepted: bool
    message: str
    application_id: int | None = None


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


def _yes_no(value: str, label: str) -> bool | None:
    text = (value or "").strip().lower()
    if not text:
        return None
    if text in ("ya", "y", "yes", "1", "true"):
        return True
    if text in ("tidak", "t", "no", "0", "false", "bukan"):
        return False
    raise RowRefused(_l("Kolom %(column)s harus berisi ya atau tidak.", column=label))


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise RowRefused(_l("Tanggal mulai mengajar harus berformat TTTT-BB-HH, "
                            "misalnya 2019-07-01.")) from exc


def _count(value: str) -> int:
    try:
        number = int(str(value).strip().split(".")[0])
    except ValueError as exc:
        raise RowRefused(_l("Jumlah santri harus berupa angka.")) from exc
    if not 0 <= number <= 1000:
        raise RowRefused(_l("Jumlah santri harus 0 sampai 1.000."))
    return number


def _identifier(normalize, value: str) -> str | None:
    if not (value or "").strip():
        return None
    try:
        return normalize(value)
    except IdentifierError as err:
        raise RowRefused(_l(err.template_id, **err.params)) from err


def parse_row(row: dict[str, str], desa: str) -> dict[str, Any]:
    """Validate one row; RowRefused says why."""
    missing = [str(COLUMN_LABELS[c]) for c in REQUIRED_COLUMNS if not (row.get(c) or "").strip()]
    if missing:
        raise RowRefused(_l("Kolom wajib kosong: %(columns)s.", columns=", ".join(missing)))
    nik = _identifier(normalize_nik, row["nik"])
    if row["kode_desa"].strip() != desa:
        raise RowRefused(_l("Bukan warga desa Anda: kode desa %(code)s berbeda dengan %(desa)s.",
                            code=row["kode_desa"].strip(), desa=desa))
    return {
        "nik": nik, "full_name": row["nama"].strip()[:150], "desa_code": desa,
        "address": (row.get("alamat") or "").strip()[:300] or None,
        "phone": _identifier(normalize_mobile_phone, row.get("no_hp", "")),
        "npwp": _identifier(normalize_npwp, row.get("npwp", "")),
        "teaching_since": _date(row["mengajar_sejak"]),
        "pupil_count": _count(row["jumlah_santri"]),
        "is_civil_servant": _yes_no(row.get("asn", ""), "asn"),
        "has_fixed_income": _yes_no(row.get("penghasilan_tetap", ""), "penghasilan_tetap"),
        "bank_name": (row.get("bank") or "").strip() or None,
        "bank_number": _identifier(normalize_bank_account, row.get("no_rekening", "")),
    }


def _existing_person(nik: str) -> Person | None:
    return db.session.scalar(
        sa.select(Person).where(Person.nik_bidx == pii.blind_index(nik, purpose="nik")))


def _nominated_this_year(person: Person, fiscal_year: int, *, besides: int,
                         ) -> Application | None:
    """A live nomination of the person this fiscal year other than application ``besides``.
    (Without excluding it, the database may return the new draft itself first, and a
    second nomination of the same NIK would go through.)"""
    return db.session.scalar(sa.select(Application).where(
        Application.person_id == person.id, Application.program_key == PROGRAM,
        Application.fiscal_year == fiscal_year, Application.id != besides,
        sa.or_(Application.outcome.is_(None), Application.outcome.not_in(UNSUCCESSFUL)))
        .order_by(Application.id).limit(1))


def nominate(operator: User, values: dict[str, Any]) -> Application:
    """One nomination: person (reused when the NIK is known), account, draft and answers."""
    person = _existing_person(values["nik"])
    if person is None:
        person = organizations.create_nominated_person(operator, values, values["nik"])
    elif person.desa_code and person.desa_code != values["desa_code"]:
        raise RowRefused(_l("NIK ini terdaftar sebagai warga desa lain."))
    if values.get("bank_name") and values.get("bank_number"):
        organizations.set_bank_account(operator, bank_name=values["bank_name"],
                                       number=values["bank_number"],
                                       holder_name=values["full_name"], person=person)
    application = applications.create_draft(PROGRAM, owner=operator, person=person,
                                            nominated_by=operator)
    earlier = _nominated_this_year(person, application.fiscal_year, besides=application.id)
    if earlier is not None:
        raise RowRefused(_l("NIK ganda: sudah diusulkan tahun anggaran %(year)s (%(number)s).",
                            year=application.fiscal_year, number=earlier.number))
    applications.update_answers(application, operator, {"pupil_count": values["pupil_count"]})
    return application


def nominate_one(operator: User, values: dict[str, Any]) -> Application:
    """A single nomination from the form; RowRefused or ProfileError when refused."""
    desa = operator_desa(operator)
    with db.session.begin_nested():
        return nominate(operator, {**values, "desa_code": desa})


def import_file(operator: User, filename: str, content: bytes) -> NominationReport:
    """Row by row: each accepted row is a draft; each refused row says why."""
    report = NominationReport()
    desa = operator_desa(operator)
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
        report.rows.append(_import_row(operator, desa, number, row, seen))
    return report


def _import_row(operator: User, desa: str, number: int, row: dict, seen: set[str]) -> RowOutcome:
    name = (row.get("nama") or "").strip()
    try:
        values = parse_row(row, desa)
        if values["nik"] in seen:
            raise RowRefused(_l("NIK ganda: NIK yang sama sudah ada di baris lain berkas ini."))
        seen.add(values["nik"])
        with db.session.begin_nested():
            application = nominate(operator, values)
    except RowRefused as refused:
        return RowOutcome(number, name, False, str(refused))
    except organizations.ProfileError as refused:
        return RowOutcome(number, name, False, refused.message)
    except applications.ApplicationError as refused:
        return RowOutcome(number, name, False, str(refused))
    return RowOutcome(number, name, True, _("Diterima sebagai usulan (draf)."), application.id)


def program_is_known() -> bool:
    return registry().current(PROGRAM) is not None
