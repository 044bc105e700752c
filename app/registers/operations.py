"""Importing reference registers from CSV/XLSX with a row-by-row validation report.

DTKS/DTSEN (low-income households) rows carry a NIK and/or a KK; only their blind indexes are
stored. Kemenag's pesantren register rows carry an NSPP (a public number, stored as is).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.operations import record
from app.common import pii
from app.common.errors import Refusal
from app.common.identifiers import (
    IdentifierError,
    normalize_kk,
    normalize_nik,
    normalize_nspp,
)
from app.db import utcnow
from app.extensions import db
from app.registers.models import RegisterEntry, RegisterImport

MAX_ROWS = 500_000


class RegisterFileError(Refusal):
    """The file as a whole cannot be read (wrong format, missing columns); the message is
    translated when read (``Refusal``)."""


@dataclass
class RowResult:
    row: int
    ok: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "ok": self.ok, "message": self.message}


@dataclass
class ImportReport:
    register: str
    results: list[RowResult] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.results if not r.ok]


def read_rows(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, comma or semicolon) or XLSX file as dicts with lower-case headers."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(content)
    elif suffix == ".csv":
        rows = _csv_rows(content)
    else:
        raise RegisterFileError(_l("Format berkas harus CSV atau XLSX."))
    if len(rows) > MAX_ROWS:
        raise RegisterFileError(_l("Berkas berisi lebih dari %(max)s baris.", max=MAX_ROWS))
    return rows


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterFileError(_l("Berkas CSV harus berenkode UTF-8.")) from exc
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return [
        {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader
    ]


def _xlsx_rows(content: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook  # loaded only when a workbook is read or written

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise RegisterFileError(_l("Berkas XLSX tidak dapat dibaca.")) from exc
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(rows, [])]
    return [
        {
            header[i]: "" if v is None else str(v).strip()
            for i, v in enumerate(row)
            if i < len(header)
        }
        for row in rows
    ]


def _dtks_keys(row: dict[str, str]) -> list[tuple[str, str]]:
    keys = []
    if row.get("nik"):
        keys.append(("nik", pii.blind_index(normalize_nik(row["nik"]), purpose="nik")))
    if row.get("kk") or row.get("no_kk"):
        keys.append(
            ("kk", pii.blind_index(normalize_kk(row.get("kk") or row["no_kk"]), purpose="kk"))
        )
    if not keys:
        raise IdentifierError(
            "dtks.empty",
            "Baris tidak berisi NIK maupun nomor KK.",
            "The row has neither a NIK nor a KK number.",
        )
    return keys


def _pesantren_keys(row: dict[str, str]) -> list[tuple[str, str]]:
    if not row.get("nspp"):
        raise IdentifierError("nspp.empty", "Kolom NSPP kosong.", "The NSPP column is empty.")
    return [("nspp", normalize_nspp(row["nspp"]))]


def _pesantren_attributes(row: dict[str, str]) -> dict[str, Any]:
    return {"name": row.get("nama", "")[:200], "type": row.get("jenis", "")[:40]}


KEYERS: dict[str, Callable[[dict[str, str]], list[tuple[str, str]]]] = {
    "dtks": _dtks_keys,
    "pesantren": _pesantren_keys,
}
ATTRIBUTES: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "dtks": lambda row: {"desa_code": row.get("kode_desa", "")[:13]},
    "pesantren": _pesantren_attributes,
}
REQUIRED_COLUMNS = {"dtks": ({"nik"}, {"kk"}, {"no_kk"}), "pesantren": ({"nspp"},)}


def _check_columns(register: str, rows: list[dict[str, str]]) -> None:
    columns = set(rows[0]) if rows else set()
    if not any(options <= columns for options in REQUIRED_COLUMNS[register]):
        # TRANSLATORS: joins alternative column names: "nik atau kk atau no_kk".
        either = " " + _("atau") + " "
        wanted = either.join("/".join(sorted(o)) for o in REQUIRED_COLUMNS[register])
        raise RegisterFileError(_l("Kolom wajib tidak ditemukan: %(columns)s.", columns=wanted))


def import_register(
    register: str,
    filename: str,
    content: bytes,
    *,
    actor=None,
    progress: Callable[[Iterable[Any]], Iterator[Any]] | None = None,
) -> tuple[RegisterImport, ImportReport]:
    """Validate every row, upsert the valid ones, and keep the report. Never commits."""
    if register not in KEYERS:
        raise RegisterFileError(_l("Register tidak dikenal: %(register)s.", register=register))
    rows = read_rows(filename, content)
    _check_columns(register, rows)
    batch = RegisterImport(
        register=register,
        filename=Path(filename).name[:200],
        imported_by_user_id=getattr(actor, "id", None),
    )
    db.session.add(batch)
    db.session.flush()
    report = ImportReport(register)
    seen: set[tuple[str, str]] = set()
    numbered = list(enumerate(rows, start=2))  # row 1 is the header
    for number, row in progress(numbered) if progress else numbered:
        report.results.append(_import_row(register, batch, number, row, seen))
    finish_import(batch, report, actor)
    return batch, report


def _import_row(register, batch, number, row, seen) -> RowResult:
    try:
        keys = KEYERS[register](row)
    except IdentifierError as exc:
        return RowResult(number, False, exc.message_id)
    fresh = [key for key in keys if key not in seen]
    if not fresh:
        return RowResult(
            number, False, "Baris ganda: data yang sama sudah ada di baris sebelumnya."
        )
    seen.update(fresh)
    for kind, value in fresh:
        _upsert(register, kind, value, ATTRIBUTES[register](row), batch.id)
    return RowResult(number, True, "Diterima.")


def _upsert(register: str, kind: str, value: str, attributes: dict, import_id: int) -> None:
    existing = db.session.scalar(
        sa.select(RegisterEntry).where(
            RegisterEntry.register == register,
            RegisterEntry.key_kind == kind,
            RegisterEntry.key_value == value,
        )
    )
    if existing is None:
        db.session.add(
            RegisterEntry(
                register=register,
                key_kind=kind,
                key_value=value,
                attributes=attributes,
                import_id=import_id,
            )
        )
    else:
        existing.attributes, existing.import_id = attributes, import_id


def finish_import(batch: RegisterImport, report: ImportReport, actor) -> None:
    """Totals and refused rows on the batch, and the audit event. Never commits."""
    batch.rows_total = len(report.results)
    batch.rows_ok = report.accepted
    batch.rows_failed = len(report.refused)
    batch.report = [r.to_dict() for r in report.refused[:1000]]
    batch.finished_dt = utcnow()
    db.session.flush()
    record(
        "register.imported",
        actor=actor,
        object_type="register_import",
        object_id=batch.id,
        summary={"register": batch.register, "ok": batch.rows_ok, "failed": batch.rows_failed},
    )


_LISTED = sa.select(RegisterEntry.id).where(
    RegisterEntry.register == sa.bindparam("register"),
    RegisterEntry.key_kind == sa.bindparam("kind"),
    RegisterEntry.key_value == sa.bindparam("value"),
)


def is_listed(register: str, kind: str, value: str) -> bool:
    """Exact look-up; ``value`` is a blind index for NIK/KK, the plain number for NSPP."""
    found = db.session.scalar(_LISTED, {"register": register, "kind": kind, "value": value})
    return found is not None
