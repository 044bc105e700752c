"""Registry numbers: NPWP, NISN, NPSN, NSPP, NIB, P-IRT and a cooperative's legal entity number."""

from __future__ import annotations

import re
from datetime import date

from app.common.identifiers.base import (
    COOPERATIVE_MIN_YEAR,
    N_,
    NSPP_PREFIX,
    REGENCY_CODE,
    IdentifierError,
    _fail,
    _Message,
    _Numeric,
)

_NPWP = _Numeric(
    "npwp",
    16,
    empty=(N_("NPWP wajib diisi"), "NPWP is required"),
    chars=(
        N_("NPWP hanya boleh berisi angka, titik, dan tanda hubung (ada karakter '%(char)s')"),
        "NPWP may contain digits, dots and dashes only (found '%(char)s')",
    ),
    wrong_length=(
        N_("NPWP harus 16 digit, atau 15 digit untuk format lama (Anda mengisi %(length)s)"),
        "NPWP must have 16 digits, or 15 in the old format (you entered %(length)s)",
    ),
)
_NPWP_ZERO: _Message = (N_("NPWP tidak boleh berisi nol semua"), "NPWP must not be all zeros")


def normalize_npwp(raw: str) -> str:
    """Return a 16-digit NPWP.

    The old 15-digit form (``AA.BBB.BBB.C-DDD.EEE`` or bare digits) is padded with a leading 0,
    as the tax office does since 2024; 16 digits (including an individual's NIK) pass unchanged.
    """
    value = _NPWP.digits(raw)
    if len(value) == 15:
        value = "0" + value
    if len(value) != 16:
        raise _fail("npwp.length", _NPWP.wrong_length, length=len(value))
    if set(value) == {"0"}:
        raise _fail("npwp.zero", _NPWP_ZERO)
    return value


# --------------------------------------------------------------------------------------------
# NISN, NPSN, NSPP, NIB
# --------------------------------------------------------------------------------------------

_NISN = _Numeric(
    "nisn",
    10,
    empty=(N_("NISN wajib diisi"), "NISN is required"),
    chars=(
        N_("NISN hanya boleh berisi angka (ada karakter '%(char)s')"),
        "NISN may contain digits only (found '%(char)s')",
    ),
    wrong_length=(
        N_("NISN harus 10 digit angka (Anda mengisi %(length)s)"),
        "NISN must be 10 digits (you entered %(length)s)",
    ),
)

_NPSN = _Numeric(
    "npsn",
    8,
    empty=(N_("NPSN wajib diisi"), "NPSN is required"),
    chars=(
        N_("NPSN hanya boleh berisi angka (ada karakter '%(char)s')"),
        "NPSN may contain digits only (found '%(char)s')",
    ),
    wrong_length=(
        N_("NPSN harus 8 digit angka (Anda mengisi %(length)s)"),
        "NPSN must be 8 digits (you entered %(length)s)",
    ),
)

_NSPP = _Numeric(
    "nspp",
    12,
    empty=(N_("NSPP wajib diisi"), "NSPP is required"),
    chars=(
        N_("NSPP hanya boleh berisi angka (ada karakter '%(char)s')"),
        "NSPP may contain digits only (found '%(char)s')",
    ),
    wrong_length=(
        N_("NSPP harus 12 digit angka (Anda mengisi %(length)s)"),
        "NSPP must be 12 digits (you entered %(length)s)",
    ),
)

_NIB = _Numeric(
    "nib",
    13,
    empty=(N_("NIB wajib diisi"), "NIB is required"),
    chars=(
        N_("NIB hanya boleh berisi angka (ada karakter '%(char)s')"),
        "NIB may contain digits only (found '%(char)s')",
    ),
    wrong_length=(
        N_("NIB harus 13 digit angka (Anda mengisi %(length)s)"),
        "NIB must be 13 digits (you entered %(length)s)",
    ),
)


def normalize_nisn(raw: str) -> str:
    """Return the 10 digits of a student number (NISN, opaque) or raise."""
    return _NISN.fixed(raw)


def normalize_npsn(raw: str) -> str:
    """Return the 8 digits of a school number (NPSN) or raise."""
    return _NPSN.fixed(raw)


def normalize_nspp(raw: str) -> str:
    """Return the 12 digits of a pesantren statistical number (NSPP) or raise."""
    return _NSPP.fixed(raw)


def nspp_in_regency(nspp: str, regency_code: str = REGENCY_CODE) -> bool:
    """Warning-level check: does the NSPP start with ``5100`` + province + regency?

    The prefix rule is inferred from examples, so this must only ever produce a warning.
    Returns False (never raises) for an invalid NSPP.
    """
    try:
        value = normalize_nspp(nspp)
    except IdentifierError:
        return False
    return value.startswith(NSPP_PREFIX + regency_code)


def normalize_nib(raw: str) -> str:
    """Return the 13 digits of a business identification number (NIB) or raise."""
    return _NIB.fixed(raw)


# --------------------------------------------------------------------------------------------
# P-IRT
# --------------------------------------------------------------------------------------------

_PIRT = _Numeric(
    "pirt",
    15,
    empty=(N_("Nomor P-IRT wajib diisi"), "P-IRT number is required"),
    chars=(
        N_("Nomor P-IRT hanya boleh berisi angka (ada karakter '%(char)s')"),
        "P-IRT number may contain digits only (found '%(char)s')",
    ),
    wrong_length=(
        N_(
            "Nomor P-IRT harus 15 digit, ditulis 13 + 2 seperti 2063603010123-24 "
            "(Anda mengisi %(length)s)"
        ),
        "P-IRT number must have 15 digits, written 13 + 2 like 2063603010123-24 "
        "(you entered %(length)s)",
    ),
)
_PIRT_LABEL = re.compile(r"^\s*(?:P\s*-?\s*IRT)?\s*(?:NO(?:MOR)?\s*[.:]?)?\s*", re.IGNORECASE)
_PIRT_SEPARATORS = re.compile(r"[\s.\-/]+")


def normalize_pirt(raw: str) -> str:
    """Return the 15 digits of a P-IRT number.

    Accepts the printed 13 + 2 form with any separator (``2063603010123-24``), bare digits and
    a leading ``P-IRT No.`` label as copied from a label.
    """
    if not isinstance(raw, str):
        raise _fail("pirt.empty", _PIRT.empty)
    value = _PIRT.digits(_PIRT_LABEL.sub("", raw, count=1), _PIRT_SEPARATORS)
    if len(value) != 15:
        raise _fail("pirt.length", _PIRT.wrong_length, length=len(value))
    return value


def format_pirt(pirt: str) -> str:
    """Print a P-IRT number as 13 + 2 digits: ``2063603010123-24``."""
    value = normalize_pirt(pirt)
    return f"{value[:13]}-{value[13:]}"


# --------------------------------------------------------------------------------------------
# Cooperative legal entity number
# --------------------------------------------------------------------------------------------

_COOP_EMPTY: _Message = (
    N_("Nomor badan hukum koperasi wajib diisi"),
    "Cooperative legal entity number is required",
)
_COOP_FORMAT: _Message = (
    N_(
        "Format nomor badan hukum koperasi tidak dikenali; contoh: "
        "AHU-0001234.AH.01.26.TAHUN 2020 atau 518/BH/XI/2003"
    ),
    "Unrecognised cooperative legal entity number; examples: "
    "AHU-0001234.AH.01.26.TAHUN 2020 or 518/BH/XI/2003",
)
_COOP_YEAR: _Message = (
    N_("Tahun pada nomor badan hukum koperasi (%(year)s) harus antara 1945 dan %(max_year)s"),
    "The year in the cooperative legal entity number (%(year)s) must be between 1945 and "
    "%(max_year)s",
)
_COOP_ZERO: _Message = (
    N_("Nomor urut pada nomor badan hukum koperasi tidak boleh nol"),
    "The serial in the cooperative legal entity number must not be zero",
)

_COOP_LABEL = re.compile(r"^(?:NOMOR|NO)\s*[.:]?\s*(?=[0-9A])")
# AHU-0001234.AH.01.26.TAHUN 2020, tolerant of spacing, missing dots, TAHUN/THN/TH or no word.
_COOP_AHU = re.compile(
    r"AHU\s*[-.]?\s*([0-9]{1,7})\s*\.?\s*AH\s*\.?\s*01\s*\.?\s*([0-9]{2})\s*\.?\s*"
    r"(?:(?:TAHUN|THN|TH)\s*\.?\s*)?([0-9]{4})",
    re.ASCII,
)
# 518/BH/XI/2003, 12345/BH/PAD/KWK.11/X/1996: number / BH / office and month segments / year.
_COOP_BH = re.compile(
    r"([0-9][0-9A-Z.\-]{0,9})/BH((?:/[A-Z0-9](?:[A-Z0-9.\-]{0,18}[A-Z0-9])?){0,5})/([0-9]{4})",
    re.ASCII,
)


def normalize_cooperative_number(raw: str, *, today: date | None = None) -> str:
    """Return a cooperative's legal entity number in canonical upper-case form.

    Two families are accepted: the AHU number since 2017 (canonical
    ``AHU-0001234.AH.01.26.TAHUN 2020``) and the older Ministry form ``…/BH/…/YYYY``
    (canonical: upper case without spaces, e.g. ``12345/BH/PAD/KWK.11/X/1996``). The year
    must lie between 1945 and the current year (of ``today``).
    """
    if not isinstance(raw, str) or not raw.strip():
        raise _fail("cooperative.empty", _COOP_EMPTY)
    text = " ".join(raw.upper().split())
    text = _COOP_LABEL.sub("", text, count=1)
    max_year = (today or date.today()).year

    if match := _COOP_AHU.fullmatch(text):
        serial, code, year = match.groups()
        canonical = f"AHU-{serial}.AH.01.{code}.TAHUN {year}"
    elif match := _COOP_BH.fullmatch(re.sub(r"\s+", "", text)):
        serial, middle, year = match.groups()
        canonical = f"{serial}/BH{middle}/{year}"
    else:
        raise _fail("cooperative.format", _COOP_FORMAT)

    if not any(c in "123456789" for c in serial):
        raise _fail("cooperative.zero", _COOP_ZERO)
    if not COOPERATIVE_MIN_YEAR <= int(year) <= max_year:
        raise _fail("cooperative.year", _COOP_YEAR, year=year, max_year=max_year)
    return canonical
