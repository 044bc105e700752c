"""The values rules compare and show: facts coerced to the type a check expects (numbers and
ISO dates from text, never a boolean for a number), and short renderings in Indonesian and English
for the reasons a rule gives."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from .facts import VALUE_LABELS
from .model import Text

NEVER = object()  # equals nothing


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class Unknown(Exception):
    """The fact's value cannot be checked by this operator; says why in id and en."""

    def __init__(self, id_: str, en: str) -> None:
        super().__init__(en)
        self.text = Text(id_, en)


# --- value coercion --------------------------------------------------------------------------


def as_number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        text = value.strip()
        return float(text) if "." in text else int(text)
    return None


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def like(actual: Any, expected: Any) -> Any:
    """``actual`` coerced to the type of ``expected`` where that is safe, else unchanged.

    Booleans never equal numbers here (Python's ``False == 0`` would pass ``eq: 0``).
    """
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual if isinstance(actual, bool) == isinstance(expected, bool) else NEVER
    if isinstance(expected, date):
        return as_date(actual)
    if isinstance(expected, int | float):
        number = as_number(actual)
        return actual if number is None else number
    return actual


def ordered_pair(actual: Any, expected: Any) -> tuple[Any, Any]:
    if isinstance(expected, date):
        day = as_date(actual)
        if day is None:
            raise Unknown("bukan tanggal", "not a date")
        return day, as_date(expected)
    number, bound = as_number(actual), as_number(expected)
    if number is None or bound is None:
        raise Unknown("bukan angka", "not a number")
    return number, bound


# --- formatting ------------------------------------------------------------------------------


def fmt(value: Any, lang: str) -> str:
    """A short human rendering of a fact value in ``lang`` ("id" or "en")."""
    if isinstance(value, bool):
        return ("ya" if value else "tidak") if lang == "id" else ("yes" if value else "no")
    if isinstance(value, int):
        return _fmt_int(value, lang)
    if isinstance(value, float):
        return _fmt_float(value, lang)
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if value is None:
        return "kosong" if lang == "id" else "empty"
    if isinstance(value, str) and value in VALUE_LABELS:
        return getattr(VALUE_LABELS[value], lang)
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "..."
    if isinstance(value, list | tuple | set | frozenset):
        items = [fmt(v, lang) for v in list(value)[:10]]
        return ", ".join(items) + (", ..." if len(value) > 10 else "")
    return f"<{type(value).__name__}>"


def _fmt_int(value: int, lang: str) -> str:
    if abs(value) > 10**30:
        return "~1e30+" if value > 0 else "~-1e30-"
    if abs(value) < 10000:
        return str(value)
    grouped = f"{value:,}"
    return grouped.replace(",", ".") if lang == "id" else grouped


def _fmt_float(value: float, lang: str) -> str:
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "id" else text


def both(value: Any) -> Text:
    return Text(fmt(value, "id"), fmt(value, "en"))


def req(id_: str, en: str, value: Any = None) -> Text:
    return Text(id_.format(v=fmt(value, "id")), en.format(v=fmt(value, "en")))
