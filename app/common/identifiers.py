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

import calendar
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

__all__ = [
    "MASK_CHAR",
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

#: Kabupaten Tangerang: province 36 (Banten), regency 03.
REGENCY_CODE = "3603"
#: NSPP examples start with 5100 + province + regency (DOMAIN.md §5, inferred).
NSPP_PREFIX = "5100"
MASK_CHAR = "\u2022"  # BULLET

#: Mobile numbers are ``08[1-9]`` followed by this many digits (DOMAIN.md §5).
MOBILE_MIN_TRAILING_DIGITS = 6
MOBILE_MAX_TRAILING_DIGITS = 9

BANK_ACCOUNT_MIN_DIGITS = 10
BANK_ACCOUNT_MAX_DIGITS = 16

COOPERATIVE_MIN_YEAR = 1945


def N_(message: str) -> str:
    """Mark a string for catalog extraction without translating it here."""
    return message


class Gender(StrEnum):
    """Gender as encoded in a NIK; values follow the KTP convention."""

    MALE = "L"  # laki-laki
    FEMALE = "P"  # perempuan


class IdentifierError(ValueError):
    """An identifier failed validation.

    ``code`` is stable (e.g. ``"nik.length"``) and meant for programs; ``message_id`` and
    ``message_en`` are the final Indonesian and English messages.
    """

    def __init__(
        self,
        code: str,
        message_id: str,
        message_en: str,
        *,
        template_id: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_id = message_id
        self.message_en = message_en
        self.template_id = template_id if template_id is not None else message_id
        self.params: dict[str, Any] = dict(params or {})

    def __repr__(self) -> str:
        return f"IdentifierError({self.code!r}, {self.message_id!r}, {self.message_en!r})"


_Message = tuple[str, str]  # (Indonesian template, English template)


def _fail(code: str, message: _Message, /, **params: Any) -> IdentifierError:
    """Build (not raise) an error; templates use ``%(name)s`` placeholders."""
    template_id, template_en = message
    if params:
        return IdentifierError(
            code,
            template_id % params,
            template_en % params,
            template_id=template_id,
            params=params,
        )
    return IdentifierError(code, template_id, template_en)


# --------------------------------------------------------------------------------------------
# Numeric identifiers: shared machinery
# --------------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s.\-]+")  # \s also covers NBSP and other Unicode spaces
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() accepts e.g. "²" and "٣"


def _show_char(char: str) -> str:
    """A character as it may safely appear in a message."""
    if char.isprintable() and not char.isspace():
        return char
    return f"U+{ord(char):04X}"


def _first_non_digit(value: str) -> str:
    return next((_show_char(c) for c in value if not "0" <= c <= "9"), "")


class _Numeric:
    """Messages and length rule for a purely numeric identifier."""

    def __init__(
        self,
        code: str,
        length: int,
        empty: _Message,
        chars: _Message,
        wrong_length: _Message,
    ) -> None:
        self.code = code
        self.length = length
        self.empty = empty
        self.chars = chars
        self.wrong_length = wrong_length

    def digits(self, raw: object, separators: re.Pattern[str] = _SEPARATORS) -> str:
        """Strip separators; only ASCII digits may remain. Length is not checked."""
        if not isinstance(raw, str):
            raise _fail(f"{self.code}.empty", self.empty)
        value = separators.sub("", raw)
        if not value:
            raise _fail(f"{self.code}.empty", self.empty)
        if not _DIGITS.fullmatch(value):
            raise _fail(f"{self.code}.chars", self.chars, char=_first_non_digit(value))
        return value

    def fixed(self, raw: object) -> str:
        value = self.digits(raw)
        if len(value) != self.length:
            raise _fail(f"{self.code}.length", self.wrong_length, length=len(value))
        return value


# --------------------------------------------------------------------------------------------
# NIK and KK
# --------------------------------------------------------------------------------------------

_NIK = _Numeric(
    "nik",
    16,
    empty=(N_("NIK wajib diisi"), "NIK is required"),
    chars=(
        N_("NIK hanya boleh berisi angka (ada karakter '%(char)s')"),
        "NIK may contain digits only (found '%(char)s')",
    ),
    wrong_length=(
        N_("NIK harus 16 digit angka (Anda mengisi %(length)s)"),
        "NIK must be 16 digits (you entered %(length)s)",
    ),
)

_KK = _Numeric(
    "kk",
    16,
    empty=(N_("Nomor KK wajib diisi"), "Family card (KK) number is required"),
    chars=(
        N_("Nomor KK hanya boleh berisi angka (ada karakter '%(char)s')"),
        "KK number may contain digits only (found '%(char)s')",
    ),
    wrong_length=(
        N_("Nomor KK harus 16 digit angka (Anda mengisi %(length)s)"),
        "KK number must be 16 digits (you entered %(length)s)",
    ),
)

_REGION_MESSAGES: dict[str, dict[str, _Message]] = {
    "nik": {
        "province": (
            N_("Kode provinsi pada NIK (digit 1–2: %(code)s) tidak valid; harus 11–99"),
            "Province code in the NIK (digits 1-2: %(code)s) is invalid; must be 11-99",
        ),
        "regency": (
            N_("Kode kabupaten/kota pada NIK (digit 3–4) tidak boleh 00"),
            "Regency/city code in the NIK (digits 3-4) must not be 00",
        ),
        "district": (
            N_("Kode kecamatan pada NIK (digit 5–6) tidak boleh 00"),
            "District code in the NIK (digits 5-6) must not be 00",
        ),
        "serial": (
            N_("Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000"),
            "The serial number in the NIK (last 4 digits) must not be 0000",
        ),
    },
    "kk": {
        "province": (
            N_("Kode provinsi pada nomor KK (digit 1–2: %(code)s) tidak valid; harus 11–99"),
            "Province code in the KK number (digits 1-2: %(code)s) is invalid; must be 11-99",
        ),
        "regency": (
            N_("Kode kabupaten/kota pada nomor KK (digit 3–4) tidak boleh 00"),
            "Regency/city code in the KK number (digits 3-4) must not be 00",
        ),
        "district": (
            N_("Kode kecamatan pada nomor KK (digit 5–6) tidak boleh 00"),
            "District code in the KK number (digits 5-6) must not be 00",
        ),
        "serial": (
            N_("Nomor urut pada nomor KK (4 digit terakhir) tidak boleh 0000"),
            "The serial number in the KK number (last 4 digits) must not be 0000",
        ),
    },
}


def _check_region_and_serial(value: str, kind: str) -> None:
    """Digits 1-6 (province 11-99, regency and district not 00) and the last 4 (not 0000).

    The region is where the number was first issued, not where the holder lives now, so any
    plausible region is accepted; 3603 is not required.
    """
    messages = _REGION_MESSAGES[kind]
    if int(value[0:2]) < 11:
        raise _fail(f"{kind}.province", messages["province"], code=value[0:2])
    if value[2:4] == "00":
        raise _fail(f"{kind}.regency", messages["regency"])
    if value[4:6] == "00":
        raise _fail(f"{kind}.district", messages["district"])
    if value[12:16] == "0000":
        raise _fail(f"{kind}.serial", messages["serial"])


_NIK_DAY: _Message = (
    N_("Tanggal lahir pada NIK (digit 7–8: %(day)s) harus 01–31, atau 41–71 untuk perempuan"),
    "Birth day in the NIK (digits 7-8: %(day)s) must be 01-31, or 41-71 for women",
)
_NIK_MONTH: _Message = (
    N_("Bulan lahir pada NIK (digit 9–10: %(month)s) harus 01–12"),
    "Birth month in the NIK (digits 9-10: %(month)s) must be 01-12",
)
_NIK_DATE: _Message = (
    N_("Tanggal lahir pada NIK (%(day)s-%(month)s) tidak ada di kalender"),
    "The birth date in the NIK (%(day)s-%(month)s) does not exist",
)


def _nik_day_month(value: str) -> tuple[int, int, int]:
    """Return (day, month, two-digit year) from a 16-digit NIK, validating the date part.

    Impossible dates are rejected (31 April, 30 February). 29 February is accepted when the
    two-digit year is divisible by 4, because 19YY or 20YY is then a leap year (2000 is).
    """
    raw_day, month, yy = int(value[6:8]), int(value[8:10]), int(value[10:12])
    if 1 <= raw_day <= 31:
        day = raw_day
    elif 41 <= raw_day <= 71:
        day = raw_day - 40
    else:
        raise _fail("nik.day", _NIK_DAY, day=value[6:8])
    if not 1 <= month <= 12:
        raise _fail("nik.month", _NIK_MONTH, month=value[8:10])
    leap_possible = yy % 4 == 0
    max_day = calendar.monthrange(2000 if leap_possible else 2001, month)[1]
    if day > max_day:
        raise _fail("nik.date", _NIK_DATE, day=f"{day:02d}", month=value[8:10])
    return day, month, yy


def normalize_nik(raw: str) -> str:
    """Return the 16 digits of a NIK (spaces, dots and dashes removed) or raise."""
    value = _NIK.fixed(raw)
    _check_region_and_serial(value, "nik")
    _nik_day_month(value)
    return value


def nik_birth_date(nik: str, today: date | None = None) -> date:
    """Birth date encoded in a NIK.

    The year has two digits: the century is the latest one that does not put the birth date
    after ``today`` (default: the current date). A NIK holder aged 100 or more therefore comes
    out 100 years too young; the KTP birth date is authoritative, this is a plausibility aid.
    """
    value = normalize_nik(nik)
    day, month, yy = _nik_day_month(value)
    today = today or date.today()
    for century in (2000, 1900):
        try:
            candidate = date(century + yy, month, day)
        except ValueError:  # 29 February 1900
            continue
        if candidate <= today:
            return candidate
    raise _fail("nik.date", _NIK_DATE, day=f"{day:02d}", month=f"{month:02d}")


def nik_gender(nik: str) -> Gender:
    """``Gender.FEMALE`` when the NIK's day part is 41-71, else ``Gender.MALE``."""
    value = normalize_nik(nik)
    return Gender.FEMALE if int(value[6:8]) > 40 else Gender.MALE


def normalize_kk(raw: str) -> str:
    """Return the 16 digits of a family card (KK) number or raise."""
    value = _KK.fixed(raw)
    _check_region_and_serial(value, "kk")
    return value


# --------------------------------------------------------------------------------------------
# NPWP
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Mobile phone
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Bank account
# --------------------------------------------------------------------------------------------

_ACCOUNT = _Numeric(
    "bank_account",
    0,  # length range checked separately
    empty=(N_("Nomor rekening wajib diisi"), "Bank account number is required"),
    chars=(
        N_("Nomor rekening hanya boleh berisi angka (ada karakter '%(char)s')"),
        "Bank account number may contain digits only (found '%(char)s')",
    ),
    wrong_length=(
        N_("Nomor rekening harus 10–16 digit angka (Anda mengisi %(length)s)"),
        "Bank account number must have 10-16 digits (you entered %(length)s)",
    ),
)
_ACCOUNT_ZERO: _Message = (
    N_("Nomor rekening tidak boleh berisi nol semua"),
    "Bank account number must not be all zeros",
)


def normalize_bank_account(raw: str) -> str:
    """Return the 10–16 digits of a bank account number (spaces, dots, dashes removed)."""
    value = _ACCOUNT.digits(raw)
    if not BANK_ACCOUNT_MIN_DIGITS <= len(value) <= BANK_ACCOUNT_MAX_DIGITS:
        raise _fail("bank_account.length", _ACCOUNT.wrong_length, length=len(value))
    if set(value) == {"0"}:
        raise _fail("bank_account.zero", _ACCOUNT_ZERO)
    return value


# Phrases rewritten to one canonical token before comparison; longest phrases first.
_NAME_PHRASES: tuple[tuple[str, str], ...] = (
    ("KOPERASI SIMPAN PINJAM DAN PEMBIAYAAN SYARIAH", "KSPPS"),
    ("KOPERASI SIMPAN PINJAM", "KSP"),
    ("KOPERASI SERBA USAHA", "KSU"),
    ("PONDOK PESANTREN", "PONPES"),
    ("PONTREN", "PONPES"),
    ("PESANTREN", "PONPES"),
    ("KOPERASI", "KOP"),
    ("YAYASAN", "YYS"),
    ("YAY", "YYS"),
    ("MAJELIS TAKLIM", "MT"),
    ("K H", "KH"),
)
_NAME_PHRASE_PATTERNS = tuple(
    (re.compile(rf"\b{re.escape(phrase)}\b"), token) for phrase, token in _NAME_PHRASES
)
# Spelling variants of one given name, all very common on KTPs and bank records.
# fmt: off
_MUHAMMAD_VARIANTS = (
    "M", "MUH", "MUHD", "MHD", "MOH", "MOHD", "MOCH", "MUCH", "MUHAMAD", "MOHAMAD", "MOHAMMAD",
    "MOCHAMAD", "MOCHAMMAD", "MUCHAMAD", "MUCHAMMAD", "MOCHAMMED", "MUHAMMED",
)
_NAME_TOKENS: dict[str, str] = dict.fromkeys(_MUHAMMAD_VARIANTS, "MUHAMMAD") | {"ABD": "ABDUL"}
# Honorifics dropped from the start of a personal name.
_HONORIFICS = frozenset((
    "H", "HJ", "KH", "HAJI", "HAJAH", "UST", "USTADZ", "USTAD", "USTADZAH", "USTAZ", "USTAZAH",
    "DRS", "DRA", "DR", "IR", "PROF", "BPK", "BAPAK", "IBU", "SDR", "SDRI", "TN", "NY", "NN",
))
_COMPACT_DEGREES = frozenset((
    "LC", "MA", "SE", "SH", "ST", "SAG", "SPD", "SPDI", "SHI", "SEI", "SKM", "SKOM", "SSOS",
    "SIP", "SS", "MAG", "MPD", "MPDI", "MM", "MSI", "MH", "AMD",
))
# fmt: on
# Leading words naming the kind of body that holds a pesantren's account (not koperasi: a
# koperasi's account must be the koperasi's).
_BODY_KINDS = frozenset(("YYS", "PONPES"))
# Academic degrees written after a comma on KTPs: "AHMAD FAUZI, S.PD.I", "SITI, LC, MA".
_DOTTED_DEGREE = re.compile(r"(?:[A-Z]{1,5}\.\s*)+[A-Z]{0,5}\.?")


def _is_degree(part: str) -> bool:
    part = part.strip()
    return bool(_DOTTED_DEGREE.fullmatch(part)) or part in _COMPACT_DEGREES


def _canonical_name(name: object) -> str:
    if not isinstance(name, str):
        return ""
    # Drop accents (É → E) so they neither block a match nor split a word.
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    # Banks omit academic degrees; drop them when everything after the first comma is one.
    head, *tail = text.split(",")
    if tail and all(_is_degree(part) for part in tail):
        text = head
    text = re.sub(r"[^0-9A-Z]+", " ", text)  # punctuation, hyphens and odd spaces
    for pattern, token in _NAME_PHRASE_PATTERNS:
        text = pattern.sub(token, text)
    tokens = [_NAME_TOKENS.get(t, t) for t in text.split()]
    if tokens and tokens[0] == "PP":  # "PP. Darul Ulum": pondok pesantren when leading
        tokens[0] = "PONPES"
    while tokens and tokens[0] in _HONORIFICS:  # a bare "H." names nobody
        tokens.pop(0)
    # The body's kind in front of its name: a pesantren's account is often held by its yayasan
    # ("YAYASAN PONDOK PESANTREN AL-HIKMAH" for "Pondok Pesantren Al-Hikmah").
    while len(tokens) > 1 and tokens[0] in _BODY_KINDS:
        tokens.pop(0)
    return "".join(tokens)  # "AL HIDAYAH" == "AL-HIDAYAH" == "ALHIDAYAH"


def holder_name_matches(holder: str, applicant_name: str) -> bool:
    """Does the bank's account holder name denote the applicant?

    Tolerates case, punctuation, spacing, leading honorifics and degrees after a comma, and
    common abbreviations (PONDOK PESANTREN/PONPES, KOPERASI/KOP., YAYASAN/YYS, MUHAMMAD/M.),
    and a leading YAYASAN / PONDOK PESANTREN / PP (a pesantren's account held by its yayasan).
    A different name or a missing or extra word does not match; such an account is kept and
    flagged for the reviewer (``BankAccount.holder_matches``).
    """
    left, right = _canonical_name(holder), _canonical_name(applicant_name)
    return bool(left) and left == right


# --------------------------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------------------------

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
