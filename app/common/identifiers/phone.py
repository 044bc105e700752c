"""Indonesian mobile phone numbers."""

from __future__ import annotations

import re

from app.common.identifiers.base import (
    _DIGITS,
    MOBILE_MAX_TRAILING_DIGITS,
    MOBILE_MIN_TRAILING_DIGITS,
    N_,
    _fail,
    _first_non_digit,
    _Message,
)

_PHONE_EMPTY: _Message = (N_("Nomor HP wajib diisi"), "Mobile number is required")
_PHONE_CHARS: _Message = (
    N_("Nomor HP hanya boleh berisi angka dan awalan +62 (ada karakter '%(char)s')"),
    "Mobile number may contain digits and a +62 prefix only (found '%(char)s')",
)
_PHONE_COUNTRY: _Message = (
    N_("Nomor HP harus nomor Indonesia (+62); nomor luar negeri tidak diterima"),
    "Mobile number must be Indonesian (+62); foreign numbers are not accepted",
)
_PHONE_PREFIX: _Message = (
    N_("Nomor HP harus nomor seluler yang diawali 08 (Anda mengisi %(prefix)s…)"),
    "Mobile number must be a cell number starting with 08 (you entered %(prefix)s...)",
)
_PHONE_LENGTH: _Message = (
    N_("Nomor HP harus %(min)s–%(max)s digit termasuk 0 di depan (Anda mengisi %(length)s)"),
    "Mobile number must have %(min)s-%(max)s digits including the leading 0 "
    "(you entered %(length)s)",
)
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]+")


def normalize_mobile_phone(raw: str) -> str:
    """Return a mobile number in national form ``08…``.

    Strips spaces, dots, dashes and parentheses; ``+62``, ``62`` and ``0062`` become ``0``
    (``+62 (0) 812…`` too), and a number typed without its 0 (``812…``) gets one. The result
    must be ``08[1-9]`` followed by 6–9 digits.
    """
    if not isinstance(raw, str):
        raise _fail("phone.empty", _PHONE_EMPTY)
    value = _PHONE_SEPARATORS.sub("", raw)
    if not value:
        raise _fail("phone.empty", _PHONE_EMPTY)
    plus = value.startswith("+")
    digits = value[1:] if plus else value
    if not _DIGITS.fullmatch(digits):
        raise _fail("phone.chars", _PHONE_CHARS, char=_first_non_digit(digits) or "+")

    if plus:
        if not digits.startswith("62"):
            raise _fail("phone.country", _PHONE_COUNTRY)
        national = digits[2:]
    elif digits.startswith("0062"):
        national = digits[4:]
    elif digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("00"):
        raise _fail("phone.country", _PHONE_COUNTRY)
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    if national.startswith("0") and len(national) > 1:  # "+62 (0)812…"
        national = national[1:]

    number = "0" + national
    if not re.fullmatch(r"08[1-9][0-9]*", number):
        raise _fail("phone.prefix", _PHONE_PREFIX, prefix=number[:4])
    min_len = 3 + MOBILE_MIN_TRAILING_DIGITS
    max_len = 3 + MOBILE_MAX_TRAILING_DIGITS
    if not min_len <= len(number) <= max_len:
        raise _fail("phone.length", _PHONE_LENGTH, min=min_len, max=max_len, length=len(number))
    return number


def phone_to_e164(phone: str) -> str:
    """``0812…`` (or any accepted form) → ``+62812…``."""
    return "+62" + normalize_mobile_phone(phone)[1:]
