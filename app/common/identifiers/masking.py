"""Masking a NIK or an account number for display."""

from __future__ import annotations

import re

from app.common.identifiers.base import (
    _DIGITS,
    BANK_ACCOUNT_MAX_DIGITS,
    BANK_ACCOUNT_MIN_DIGITS,
    MASK_CHAR,
)

_MASK_SEPARATORS = re.compile(r"[\s.\-]+")


def mask_nik(nik: str) -> str:
    """``3603011201990001`` → ``3603••••••••0001``; anything odd → 16 bullets. Never raises."""
    if isinstance(nik, str):
        value = _MASK_SEPARATORS.sub("", nik)
        if len(value) == 16 and _DIGITS.fullmatch(value):
            return value[:4] + MASK_CHAR * 8 + value[12:]
    return MASK_CHAR * 16


def mask_account(no: str) -> str:
    """Show only the last 4 digits of an account number; anything odd → 10 bullets."""
    if isinstance(no, str):
        value = _MASK_SEPARATORS.sub("", no)
        plausible = BANK_ACCOUNT_MIN_DIGITS <= len(value) <= BANK_ACCOUNT_MAX_DIGITS
        if plausible and _DIGITS.fullmatch(value):
            return MASK_CHAR * (len(value) - 4) + value[-4:]
    return MASK_CHAR * BANK_ACCOUNT_MIN_DIGITS
