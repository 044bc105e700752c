"""NIK and KK (family card): region codes, birth date and gender of a NIK."""

from __future__ import annotations

import calendar
from datetime import date

from app.common.identifiers.base import (
    N_,
    Gender,
    _fail,
    _Message,
    _Numeric,
)

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
