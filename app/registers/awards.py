"""Importing earlier awards (aid given before this system, or by other offices) from CSV/XLSX.

Each row names the program (a key of this system's programs, or of an outside one), optionally
its group, the award date and at least one identifier. Rows become ``Award`` rows with source
``'import'``; identifiers are stored as blind indexes, as for awards written at approval, so
repeat limits (``once_per`` with scope ``awarded``) count them. Bad rows are reported one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.common import pii
from app.common.i18n import jakarta_today
from app.common.identifiers import (
    IdentifierError,
    normalize_cooperative_number,
    normalize_kk,
    normalize_nib,
    normalize_nik,
    normalize_nisn,
    normalize_npsn,
    normalize_nspp,
)
from app.extensions import db
from app.programs.models import Award, AwardIdentifier
from app.registers.models import RegisterImport
from app.registers.operations import (
    ImportReport,
    RegisterFileError,
    RowResult,
    finish_import,
    read_rows,
)

#: identifier kind → (accepted column names, normaliser)
IDENTIFIER_COLUMNS: dict[str, tuple[tuple[str, ...], Callable[[str], str]]] = {
    "nik": (("nik",), normalize_nik),
    "kk": (("kk", "no_kk"), normalize_kk),
    "nisn": (("nisn",), normalize_nisn),
    "nspp": (("nspp",), normalize_nspp),
    "npsn": (("npsn",), normalize_npsn),
    "nib": (("nib",), normalize_nib),
    "ahu": (("ahu", "no_badan_hukum"), normalize_cooperative_number),
}
PROGRAM_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S")
EARLIEST = date(1945, 8, 17)


class RowRefused(ValueError):
    """One row cannot be imported; the message is Indonesian, as in the stored report."""


def import_awards(
    filename: str,
    content: bytes,
    *,
    actor=None,
    progress: Callable[[Iterable[Any]], Iterator[Any]] | None = None,
) -> tuple[RegisterImport, ImportReport]:
    """Validate every row, add the valid ones as imported awards, keep the report. Never commits."""
    rows = read_rows(filename, content)
    _check_columns(rows)
    batch = RegisterImport(register="awards", filename=Path(filename).name[:200],
                           imported_by_user_id=getattr(actor, "id", None))
    db.session.add(batch)
    db.session.flush()
    report = ImportReport("awards")
    seen: set[tuple] = set()
    numbered = list(enumerate(rows, start=2))  # row 1 is the header
    for number, row in progress(numbered) if progress else numbered:
        report.results.append(_import_row(batch, number, row, seen))
    finish_import(batch, report, actor)
    return batch, report


def _check_columns(rows: list[dict[str, str]]) -> None:
    columns = set(rows[0]) if rows else set()
    names = {name for names, _ in IDENTIFIER_COLUMNS.values() for name in names}
    if not {"program", "tanggal"} <= columns or not names & columns:
        raise RegisterFileError(_l(
            "Kolom wajib tidak ditemukan: %(columns)s.",
            columns="program, tanggal, nik/kk/nisn/nspp/npsn/nib/ahu",
        ))


def _import_row(batch: RegisterImport, number: int, row: dict[str, str], seen: set) -> RowResult:
    try:
        program, group = _program(row)
        awarded_on = _award_date(row.get("tanggal", ""))
        identifiers = _identifiers(row)
    except (RowRefused, IdentifierError) as exc:
        message = exc.message_id if isinstance(exc, IdentifierError) else str(exc)
        return RowResult(number, False, message)
    key = (program, group, awarded_on, frozenset(identifiers.items()))
    if key in seen:
        return RowResult(number, False,
                         "Baris ganda: data yang sama sudah ada di baris sebelumnya.")
    seen.add(key)
    if _already_recorded(program, awarded_on, identifiers):
        return RowResult(number, False, "Penerimaan ini sudah tercatat (program, tanggal dan "
                                        "identitas yang sama).")
    _add(batch, program, group, awarded_on, identifiers)
    return RowResult(number, True, "Diterima.")


def _program(row: dict[str, str]) -> tuple[str, str | None]:
    program = row.get("program", "").strip().lower()
    group = row.get("kelompok", "").strip().lower() or None
    if not program:
        raise RowRefused("Kolom program kosong.")
    for value in (program, group):
        if value is not None and not PROGRAM_KEY.fullmatch(value):
            raise RowRefused(f"Kode program atau kelompok '{value[:40]}' tidak sah: gunakan huruf "
                             "kecil, angka dan garis bawah, paling banyak 40 karakter.")
    return program, group


def _award_date(raw: str) -> date:
    text = raw.strip()
    if not text:
        raise RowRefused("Kolom tanggal kosong.")
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if day > jakarta_today():
            raise RowRefused(f"Tanggal {text} ada di masa depan.")
        if day < EARLIEST:
            raise RowRefused(f"Tanggal {text} terlalu lama (sebelum 17 Agustus 1945).")
        return day
    raise RowRefused(f"Tanggal '{text[:20]}' tidak dikenali; tulis seperti 2024-03-31 atau "
                     "31/03/2024.")


def _identifiers(row: dict[str, str]) -> dict[str, str]:
    """kind → blind index of the normalised number, as ``identifiers_of`` writes at approval."""
    found = {}
    for kind, (columns, normalize) in IDENTIFIER_COLUMNS.items():
        raw = next((row[c] for c in columns if row.get(c)), "")
        if raw:
            found[kind] = pii.blind_index(normalize(raw), purpose=kind)
    if not found:
        raise RowRefused("Baris tidak berisi satu pun identitas (NIK, KK, NISN, NSPP, NPSN, NIB "
                         "atau nomor badan hukum).")
    return found


def _already_recorded(program: str, awarded_on: date, identifiers: dict[str, str]) -> bool:
    shared = sa.or_(*(sa.and_(AwardIdentifier.kind == kind, AwardIdentifier.value_bidx == value)
                      for kind, value in identifiers.items()))
    query = (
        sa.select(Award.id)
        .join(AwardIdentifier, AwardIdentifier.award_id == Award.id)
        .where(Award.program_key == program, Award.awarded_on == awarded_on,
               Award.revoked_dt.is_(None), shared)
        .limit(1)
    )
    return db.session.scalar(query) is not None


def _add(batch: RegisterImport, program: str, group: str | None, awarded_on: date,
         identifiers: dict[str, str]) -> None:
    award = Award(program_key=program, program_group=group, awarded_on=awarded_on,
                  source="import", import_id=batch.id)
    db.session.add(award)
    db.session.flush()
    db.session.add_all(AwardIdentifier(award_id=award.id, kind=kind, value_bidx=value)
                       for kind, value in identifiers.items())
