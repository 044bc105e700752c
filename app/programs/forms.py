"""The app's side of declared forms: the shared identifier validators bound to the identifier
answer types, and each definition's form (an old snapshot's named form maps to the program's
current declaration)."""

from __future__ import annotations

from app.common.identifiers import (
    normalize_bank_account,
    normalize_cooperative_number,
    normalize_kk,
    normalize_mobile_phone,
    normalize_nib,
    normalize_nik,
    normalize_nisn,
    normalize_npsn,
    normalize_npwp,
    normalize_nspp,
    normalize_pirt,
)
from workflows import ProgramDefinition
from workflows.form_checks import NORMALIZERS
from workflows.form_model import Form

IDENTIFIER_NORMALIZERS = {
    "nik": normalize_nik,
    "kk": normalize_kk,
    "npwp": normalize_npwp,
    "nisn": normalize_nisn,
    "npsn": normalize_npsn,
    "nspp": normalize_nspp,
    "nib": normalize_nib,
    "pirt": normalize_pirt,
    "phone": normalize_mobile_phone,
    "cooperative_number": normalize_cooperative_number,
    "bank_account": normalize_bank_account,
}


def bind_normalizers() -> None:
    for kind, fn in IDENTIFIER_NORMALIZERS.items():
        NORMALIZERS.bind(kind, fn)
    missing = NORMALIZERS.unbound()
    if missing:
        raise RuntimeError(f"identifier answer types without a validator: {', '.join(missing)}")


def declared_form(defn: ProgramDefinition, current: ProgramDefinition | None) -> Form:
    """``defn``'s form; a snapshot from before declared forms uses the current declaration."""
    if defn.form.is_declared:
        return defn.form
    if current is not None and current.form.is_declared:
        return current.form
    return Form()
