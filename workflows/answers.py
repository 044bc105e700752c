"""Checking applicants' answers against a declared form: the one home of the answer rules.

Pure: the portal's WTForms builder (``forms/declared.py``) and the API both call
``validate_answers``. Values may be JSON (API) or the strings a browser posts (``"88,5"``,
``"Rp50.000.000"``, ``"ya"``); the result holds canonical JSON values (int rupiah, ISO dates,
booleans, normalised identifiers) and a reason in both languages per refused field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .constants import REGENCY_PREFIX
from .form_checks import FORM_CHECKS, NORMALIZERS
from .form_model import IDENTIFIER_TYPES, Form, FormField

Reason = dict[str, str]
YES = {"ya": True, "tidak": False}
DESA = re.compile(r"^" + re.escape(REGENCY_PREFIX) + r"\d{2}\.[12]\d{3}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass
class AnswerCheck:
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Reason] = field(default_factory=dict)
    amount: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class Refused(ValueError):
    def __init__(self, id_text: str, en_text: str) -> None:
        super().__init__(en_text)
        self.reason = {"id": id_text, "en": en_text}


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_answers(
    form: Form,
    given: dict[str, Any],
    *,
    existing: dict[str, Any] | None = None,
    partial: bool = False,
    today: date | None = None,
) -> AnswerCheck:
    """Check ``given`` against ``form``.

    Whole (``partial=False``, the portal's form page): every field is answered or left empty,
    required fields that are shown must be filled, hidden fields are cleared. Partial (the
    API's draft saves): only the given keys are checked and required fields may wait until
    submission (``missing_answers``). Unknown keys are refused either way.
    """
    today = today or date.today()
    result = AnswerCheck()
    for key in given:
        if form.field(key) is None:
            result.errors[key] = {
                "id": "Isian ini tidak dikenal untuk program ini.",
                "en": "This program's form has no such answer.",
            }
    seen = dict(existing or {})
    for spec in form.fields:
        if partial and spec.key not in given:
            continue
        value = _checked(spec, given.get(spec.key), seen, partial, today, result)
        result.answers[spec.key] = value
        seen[spec.key] = value
    if form.amount_field and form.amount_field in result.answers:
        result.amount = result.answers[form.amount_field]
    return result


def _checked(
    spec: FormField, raw: Any, seen: dict, partial: bool, today: date, result: AnswerCheck
) -> Any:
    if not shown(spec, seen):
        return None
    if is_empty(raw):
        if spec.required and not partial:
            result.errors[spec.key] = required_reason(spec)
        return None
    try:
        value = parse_value(spec, raw)
        _check_bounds(spec, value)
    except Refused as refused:
        result.errors[spec.key] = refused.reason
        return None
    reason = FORM_CHECKS[spec.check](value, seen, today) if spec.check else None
    if reason:
        result.errors[spec.key] = reason
        return None
    return value


def shown(spec: FormField, answers: dict[str, Any]) -> bool:
    return spec.shown_when is None or spec.shown_when.holds(answers)


def missing_answers(form: Form, answers: dict[str, Any]) -> list[FormField]:
    """Required, shown fields without an answer (what stops a submission)."""
    return [
        s for s in form.fields if s.required and shown(s, answers) and is_empty(answers.get(s.key))
    ]


def required_reason(spec: FormField) -> Reason:
    if spec.type == "yes_no":
        return {"id": "Pilih Ya atau Tidak.", "en": "Choose Yes or No."}
    if spec.type in ("choice", "yes_no", "desa"):
        return {
            "id": f"Pilih jawaban untuk: {spec.label.id}.",
            "en": f"Choose an answer for: {spec.label.en}.",
        }
    return {"id": f"{spec.label.id} wajib diisi.", "en": f"{spec.label.en} is required."}


# --- one value ------------------------------------------------------------------------------


def parse_value(spec: FormField, raw: Any) -> Any:
    """The canonical value of a non-empty answer, or Refused."""
    if spec.type in IDENTIFIER_TYPES:
        return _identifier(spec, raw)
    return _PARSERS[spec.type](spec, raw)


def _text(spec: FormField, raw: Any) -> str:
    if not isinstance(raw, str):
        raise Refused("Isi dengan teks.", "Enter text.")
    return raw.strip()


def _number(spec: FormField, raw: Any) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise Refused("Isi dengan angka.", "Enter a number.")
    text = str(raw).strip().replace(",", ".") if isinstance(raw, str) else repr(raw)
    if isinstance(raw, int):
        text = str(raw)
    if not _NUMBER.match(text):
        raise Refused(
            "Isi dengan angka, misalnya 12 atau 88,5.", "Enter a number, e.g. 12 or 88.5."
        )
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Refused("Isi dengan angka.", "Enter a number.") from None
    places = -number.as_tuple().exponent if number.as_tuple().exponent < 0 else 0
    if places > spec.decimals:
        if spec.decimals == 0:
            raise Refused("Isi bilangan bulat, tanpa koma.", "Enter a whole number.")
        raise Refused(
            f"Paling banyak {spec.decimals} angka di belakang koma.",
            f"At most {spec.decimals} decimal places.",
        )
    return int(number) if spec.decimals == 0 else float(number)


def _money(spec: FormField, raw: Any) -> int:
    if isinstance(raw, bool) or isinstance(raw, float) and not raw.is_integer():
        raise Refused("Isi rupiah tanpa desimal.", "Enter whole rupiah.")
    if isinstance(raw, int | float):
        return int(raw)
    if not isinstance(raw, str):
        raise Refused("Isi angka rupiah.", "Enter an amount in rupiah.")
    digits = re.sub(r"^rp\.?", "", raw.strip().lower()).replace(".", "").replace(" ", "")
    if not digits.isascii() or not digits.isdigit():
        raise Refused(
            "Isi angka rupiah tanpa koma, misalnya 50000000 atau 50.000.000.",
            "Enter whole rupiah without decimals, e.g. 50000000 or 50.000.000.",
        )
    return int(digits)


def _date(spec: FormField, raw: Any) -> str:
    try:
        return date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise Refused(
            "Isi tanggal yang benar (TTTT-BB-HH).", "Enter a valid date (YYYY-MM-DD)."
        ) from None


def _choice(spec: FormField, raw: Any) -> str:
    if not isinstance(raw, str) or spec.option_label(raw) is None:
        raise Refused("Pilih salah satu pilihan yang tersedia.", "Choose one of the options.")
    return raw


def _yes_no(spec: FormField, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in YES:
        return YES[raw.strip().lower()]
    raise Refused("Pilih Ya atau Tidak.", "Choose Yes or No.")


def _desa(spec: FormField, raw: Any) -> str:
    if not isinstance(raw, str) or not DESA.match(raw.strip()):
        raise Refused(
            "Pilih desa/kelurahan di Kabupaten Tangerang.", "Choose a village in Tangerang Regency."
        )
    return raw.strip()


def _identifier(spec: FormField, raw: Any) -> str:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise Refused("Isi dengan teks.", "Enter text.")
    try:
        return NORMALIZERS.normalizer(spec.type)(str(raw))
    except ValueError as err:
        raise Refused(
            getattr(err, "message_id", str(err)), getattr(err, "message_en", str(err))
        ) from None


_PARSERS = {
    "text": _text,
    "long_text": _text,
    "number": _number,
    "money": _money,
    "date": _date,
    "choice": _choice,
    "yes_no": _yes_no,
    "desa": _desa,
}


def _check_bounds(spec: FormField, value: Any) -> None:
    if spec.type in ("number", "money"):
        low, high = spec.min, spec.max
        if (low is not None and value < low) or (high is not None and value > high):
            raise Refused(*_range_text(spec))
    elif spec.type in ("text", "long_text"):
        if spec.min_length is not None and len(value) < spec.min_length:
            raise Refused(
                f"Paling sedikit {spec.min_length} karakter.",
                f"At least {spec.min_length} characters.",
            )
        if spec.max_length is not None and len(value) > spec.max_length:
            raise Refused(
                f"Paling banyak {spec.max_length} karakter (Anda mengisi {len(value)}).",
                f"At most {spec.max_length} characters (you entered {len(value)}).",
            )


def _range_text(spec: FormField) -> tuple[str, str]:
    low, high = (_show(spec, spec.min, "id"), _show(spec, spec.max, "id"))
    low_en, high_en = (_show(spec, spec.min, "en"), _show(spec, spec.max, "en"))
    if spec.min is not None and spec.max is not None:
        return f"Isi antara {low} dan {high}.", f"Enter between {low_en} and {high_en}."
    if spec.min is not None:
        return f"Paling sedikit {low}.", f"At least {low_en}."
    return f"Paling banyak {high}.", f"At most {high_en}."


def _show(spec: FormField, number: int | float | None, lang: str) -> str:
    if number is None:
        return ""
    return ("Rp" if spec.type == "money" else "") + format_number(number, lang)


def format_number(number: int | float, lang: str = "id") -> str:
    """``1.234.567,5`` in Indonesian, ``1,234,567.5`` in English."""
    text = f"{number:,}" if isinstance(number, int) else f"{number:,.2f}".rstrip("0").rstrip(".")
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


# --- showing answers ------------------------------------------------------------------------


def answer_rows(form: Form, answers: dict[str, Any], lang: str = "id") -> list[tuple[str, str]]:
    """(label, shown value) per declared field that is shown, in the person's language.

    Answers the form does not declare (an older form) follow under their key as written.
    """
    rows = []
    for spec in form.fields:
        if shown(spec, answers):
            label = spec.label.en if lang == "en" else spec.label.id
            rows.append((label, show_value(spec, answers.get(spec.key), lang)))
    for key, value in answers.items():
        if form.field(key) is None and not is_empty(value):
            rows.append((key, str(value)))
    return rows


def show_value(spec: FormField, value: Any, lang: str = "id") -> str:
    if is_empty(value):
        return "—"
    if isinstance(value, bool):
        return ("Yes" if value else "No") if lang == "en" else ("Ya" if value else "Tidak")
    if spec.type == "choice":
        label = spec.option_label(value)
        return (label.en if lang == "en" else label.id) if label else str(value)
    if spec.type in ("number", "money") and isinstance(value, int | float):
        return ("Rp" if spec.type == "money" else "") + format_number(value, lang)
    return str(value)
