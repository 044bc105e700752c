"""Normalisation and validation of Indonesian identifiers (DOMAIN.md §5).

Pure functions, no Flask. Every ``normalize_*`` function either returns the canonical form of
its input (which normalises to itself again) or raises :class:`IdentifierError`; for any ``str``
input it never raises anything else.

Messages: ``IdentifierError.message_id`` is the Indonesian text shown to users, ``message_en``
the English text for logs and API clients. ``template_id`` + ``params`` carry the uninterpolated
Indonesian template so a gettext caller can translate first and interpolate afterwards
(``forms.validators`` does this through Flask-Babel). Templates are wrapped in ``N_``, a no-op
that pybabel extracts with its default keywords, so they reach the message catalog.
"""

from __future__ import annotations

from app.common.identifiers.bank import (
    holder_name_matches,
    normalize_bank_account,
)
from app.common.identifiers.base import (
    MASK_CHAR,
    N_,
    REGENCY_CODE,
    Gender,
    IdentifierError,
)
from app.common.identifiers.masking import (
    mask_account,
    mask_nik,
)
from app.common.identifiers.nik import (
    nik_birth_date,
    nik_gender,
    normalize_kk,
    normalize_nik,
)
from app.common.identifiers.phone import (
    normalize_mobile_phone,
    phone_to_e164,
)
from app.common.identifiers.registries import (
    format_pirt,
    normalize_cooperative_number,
    normalize_nib,
    normalize_nisn,
    normalize_npsn,
    normalize_npwp,
    normalize_nspp,
    normalize_pirt,
    nspp_in_regency,
)

__all__ = [
    "MASK_CHAR",
    "N_",
    "REGENCY_CODE",
    "Gender",
    "IdentifierError",
    "format_pirt",
    "holder_name_matches",
    "mask_account",
    "mask_nik",
    "nik_birth_date",
    "nik_gender",
    "normalize_bank_account",
    "normalize_cooperative_number",
    "normalize_kk",
    "normalize_mobile_phone",
    "normalize_nib",
    "normalize_nik",
    "normalize_nisn",
    "normalize_npsn",
    "normalize_npwp",
    "normalize_nspp",
    "normalize_pirt",
    "nspp_in_regency",
    "phone_to_e164",
]
