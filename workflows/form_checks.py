"""Named answer checks that data cannot express, and the identifier normalisers.

Like guards: a definition names a check (``check: not_in_future``); definition validation refuses
a name that is not registered here. A check is pure ``fn(value, answers, today) -> None | {id,
en}`` and runs only on a non-empty, well-typed value.

Identifier kinds (``type: nik`` …) are normalised by the app's shared validators
(``app.common.identifiers``); the app binds them at start-up (``NORMALIZERS.bind``), as it
binds effect handlers, so this package stays free of the app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from .form_model import IDENTIFIER_TYPES

Reason = dict[str, str]
CheckFn = Callable[[Any, dict[str, Any], date], "Reason | None"]
#: ``fn(raw) -> canonical``; raises ValueError (with ``message_id``/``message_en``) when invalid
Normalizer = Callable[[str], str]

FORM_CHECKS: dict[str, CheckFn] = {}


def form_check(name: str) -> Callable[[CheckFn], CheckFn]:
    """Register a named answer check (see the module docstring)."""

    def register(fn: CheckFn) -> CheckFn:
        if name in FORM_CHECKS and FORM_CHECKS[name] is not fn:
            raise ValueError(f"form check {name!r} is already registered")
        FORM_CHECKS[name] = fn
        return fn

    return register


class NormalizerRegistry:
    """One normaliser per identifier kind; the kinds are fixed, the functions are bound."""

    def __init__(self) -> None:
        self._bound: dict[str, Normalizer] = {}

    def bind(self, kind: str, fn: Normalizer) -> None:
        if kind not in IDENTIFIER_TYPES:
            raise KeyError(f"unknown identifier kind {kind!r}")
        self._bound[kind] = fn

    def normalizer(self, kind: str) -> Normalizer:
        try:
            return self._bound[kind]
        except KeyError:
            raise LookupError(f"no normaliser bound for identifier kind {kind!r}") from None

    def unbound(self) -> list[str]:
        return sorted(IDENTIFIER_TYPES - set(self._bound))


NORMALIZERS = NormalizerRegistry()


# --- built-in checks ------------------------------------------------------------------------


@form_check("not_in_future")
def not_in_future(value: Any, answers: dict[str, Any], today: date) -> Reason | None:
    """A date that cannot lie ahead (teaching since, founded on)."""
    if isinstance(value, str) and value > today.isoformat():
        return {
            "id": "Tanggal tidak boleh melewati hari ini.",
            "en": "The date cannot be after today.",
        }
    return None


@form_check("whole_hundreds")
def whole_hundreds(value: Any, answers: dict[str, Any], today: date) -> Reason | None:
    """Money in whole hundreds of rupiah (transfers in cash-like amounts)."""
    if isinstance(value, int) and value % 100:
        return {"id": "Isi nilai dalam kelipatan Rp100.", "en": "Enter a multiple of Rp100."}
    return None
