"""The columns of a program's nomination file, one row's checks, and the downloadable template.

A row holds the person's identity columns (``workflows.parse_nomination.IDENTITY_COLUMNS``; the
person facts ``mengajar_sejak``, ``asn``, ``penghasilan_tetap`` only where the program's rules read
them) and one column per declared form field (named by ``nomination.columns`` or the field key).
The answers are checked by ``workflows.answers.validate_answers``, as on the form page and in the
API. Columns are required where nothing can be nominated without them: name, NIK, desa, and the
facts and answers the eligibility rules read (so eligibility can be judged at nomination).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from app.applications.facts import rule_facts
from app.common.errors import Refusal
from app.common.i18n import jakarta_today
from app.common.identifiers import (
    IdentifierError,
    normalize_bank_account,
    normalize_mobile_phone,
    normalize_nik,
    normalize_npwp,
)
from app.programs.registry import registry
from workflows import ProgramDefinition
from workflows.answers import is_empty, validate_answers
from workflows.form_model import FormField


class RowRefused(Refusal):
    """A nomination row (or the single-nomination form) refused; translated when read."""


@dataclass(frozen=True)
class Column:
    name: str
    label: Any  # a lazy string (identity) or the field's declared label
    required: bool = False
    spec: FormField | None = None

    def shown_label(self) -> str:
        if self.spec is None:
            return str(self.label)
        return self.label.en if _lang() == "en" else self.label.id


# TRANSLATORS: names of the nomination file's columns in "Kolom wajib kosong: ..."
IDENTITY = (
    Column("nama", _l("nama"), True), Column("nik", "NIK", True),
    Column("kode_desa", _l("kode desa"), True), Column("alamat", _l("alamat")),
    Column("no_hp", _l("nomor HP")), Column("npwp", "NPWP"), Column("bank", _l("nama bank")),
    Column("no_rekening", _l("nomor rekening")),
)
#: person facts a rule may read, with their column (present only when a rule reads them)
PERSON_FACTS = {
    "person.teaching_since": Column("mengajar_sejak", _l("mulai mengajar"), True),
    "person.is_civil_servant": Column("asn", _l("ASN/TNI/Polri (ya/tidak)")),
    "person.has_fixed_income": Column("penghasilan_tetap", _l("berpenghasilan tetap (ya/tidak)")),
}

#: the single-nomination form's person-fact fields and their file columns
PERSON_FACT_FIELDS = {"teaching_since": "mengajar_sejak", "is_civil_servant": "asn",
                      "has_fixed_income": "penghasilan_tetap"}


def _lang() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "id"


def columns(defn: ProgramDefinition) -> list[Column]:
    """The file's columns in order: identity, person facts the rules read, form fields."""
    read = rule_facts(defn)
    result = list(IDENTITY) + [c for fact, c in PERSON_FACTS.items() if fact in read]
    for spec in registry().form_of(defn).fields:
        required = spec.required and f"answers.{spec.key}" in read and spec.shown_when is None
        result.append(Column(defn.nomination.column_of(spec.key), spec.label, required, spec))
    return result


def _yes_no(value: str, label: str) -> bool | None:
    text = (value or "").strip().lower()
    if not text:
        return None
    if text in ("ya", "y", "yes", "1", "true"):
        return True
    if text in ("tidak", "t", "no", "0", "false", "bukan"):
        return False
    raise RowRefused(_l("Kolom %(column)s harus berisi ya atau tidak.", column=label))


def _date(value: str) -> date | None:
    if not (value or "").strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise RowRefused(_l("Tanggal mulai mengajar harus berformat TTTT-BB-HH, "
                            "misalnya 2019-07-01.")) from exc


def _identifier(normalize, value: str) -> str | None:
    if not (value or "").strip():
        return None
    try:
        return normalize(value)
    except IdentifierError as err:
        raise RowRefused(_l(err.template_id, **err.params)) from err


def _answers(defn: ProgramDefinition, cols: list[Column], row: dict[str, Any]) -> dict:
    given = {c.spec.key: row[c.name] for c in cols
             if c.spec is not None and row.get(c.name) not in (None, "")}
    checked = validate_answers(registry().form_of(defn), given, partial=True, today=jakarta_today())
    if not checked.ok:
        lang = _lang()
        form = registry().form_of(defn)
        reasons = [f"{getattr(form.field(k).label, lang)}: {r.get(lang) or r['id']}"
                   for k, r in checked.errors.items()]
        raise RowRefused(_l("Isian tidak valid: %(reasons)s", reasons="; ".join(reasons)))
    return checked.answers


def parse_row(defn: ProgramDefinition, row: dict[str, Any], desa: str | None) -> dict[str, Any]:
    """Validate one row (file, form or API) for ``defn``; RowRefused says why.

    ``desa`` is the operator's desa (None: any desa of the regency, e.g. a school operator)."""
    cols = columns(defn)
    missing = [c.shown_label() for c in cols if c.required and is_empty(row.get(c.name))]
    if missing:
        raise RowRefused(_l("Kolom wajib kosong: %(columns)s.", columns=", ".join(missing)))
    nik = _identifier(normalize_nik, row["nik"])
    code = str(row["kode_desa"]).strip()
    if desa is not None and code != desa:
        raise RowRefused(_l("Bukan warga desa Anda: kode desa %(code)s berbeda dengan %(desa)s.",
                            code=code, desa=desa))
    return {
        "nik": nik, "full_name": str(row["nama"]).strip()[:150], "desa_code": code,
        "address": str(row.get("alamat") or "").strip()[:300] or None,
        "phone": _identifier(normalize_mobile_phone, row.get("no_hp", "")),
        "npwp": _identifier(normalize_npwp, row.get("npwp", "")),
        "teaching_since": _date(row.get("mengajar_sejak", "")),
        "is_civil_servant": _yes_no(row.get("asn", ""), "asn"),
        "has_fixed_income": _yes_no(row.get("penghasilan_tetap", ""), "penghasilan_tetap"),
        "bank_name": str(row.get("bank") or "").strip() or None,
        "bank_number": _identifier(normalize_bank_account, row.get("no_rekening", "")),
        "answers": _answers(defn, cols, row),
    }


# --- the template ---------------------------------------------------------------------------


def _hint(column: Column) -> str:
    spec = column.spec
    if spec is None:
        return {"kode_desa": "36.03.KK.NNNN", "mengajar_sejak": "TTTT-BB-HH",
                "asn": "ya/tidak", "penghasilan_tetap": "ya/tidak"}.get(column.name, "")
    if spec.type == "yes_no":
        return "ya/tidak"
    if spec.type == "choice":
        return "/".join(o.key for o in spec.options)
    if spec.type == "date":
        return "TTTT-BB-HH"
    return ""


def template_csv(defn: ProgramDefinition) -> bytes:
    """The header row of the program's nomination file (UTF-8 with BOM, for spreadsheets)."""
    out = io.StringIO()
    csv.writer(out).writerow([c.name for c in columns(defn)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(defn: ProgramDefinition) -> bytes:
    """Sheet ``Usulan``: the header row to fill in; sheet ``Petunjuk``: each column's
    Indonesian label, whether it is required and what it holds."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Usulan"
    cols = columns(defn)
    sheet.append([c.name for c in cols])
    guide = book.create_sheet("Petunjuk")
    guide.append(["kolom", "keterangan", "wajib", "isi"])
    with force_locale("id"):
        for c in cols:
            label = c.label.id if c.spec is not None else str(c.label)
            guide.append([c.name, label, "wajib" if c.required else "", _hint(c)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
