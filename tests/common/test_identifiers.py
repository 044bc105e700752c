"""Identifier normalisation and validation (DOMAIN.md §5)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from hypothesis import example, given
from hypothesis import strategies as st

import app.common.identifiers as identifiers
from app.common.identifiers import (
    MASK_CHAR,
    Gender,
    IdentifierError,
    format_pirt,
    holder_name_matches,
    mask_account,
    mask_nik,
    nik_birth_date,
    nik_gender,
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
    nspp_in_regency,
    phone_to_e164,
)

TODAY = date(2024, 6, 1)


def error_of(func, raw, **kwargs) -> IdentifierError:
    with pytest.raises(IdentifierError) as info:
        func(raw, **kwargs)
    return info.value


# --------------------------------------------------------------------------------------------
# NIK
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3603011201990001", "3603011201990001"),
        ("3603 0112 0199 0001", "3603011201990001"),
        ("3603.01.120199.0001", "3603011201990001"),
        ("3603-01-120199-0001", "3603011201990001"),
        ("\u00a03603011201990001\t", "3603011201990001"),  # NBSP from a copied document
        ("3603015201990002", "3603015201990002"),  # woman: day 12 + 40
        ("3603017101900003", "3603017101900003"),  # woman born on the 31st: 71
        ("3174011201990001", "3174011201990001"),  # first issued in Jakarta: accepted
        ("1101010101000001", "1101010101000001"),  # lowest province code
        ("3603012902000001", "3603012902000001"),  # 29 Feb, YY 00 (2000 is a leap year)
        ("3603016902960001", "3603016902960001"),  # woman, 29 Feb 96
        ("3603011201999999", "3603011201999999"),
    ],
)
def test_nik_valid(raw, expected):
    assert normalize_nik(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "message_id"),
    [
        ("360301120199001", "nik.length", "NIK harus 16 digit angka (Anda mengisi 15)"),
        ("36030112019900011", "nik.length", "NIK harus 16 digit angka (Anda mengisi 17)"),
        ("36030112019900O1", "nik.chars", "NIK hanya boleh berisi angka (ada karakter 'O')"),
        ("", "nik.empty", "NIK wajib diisi"),
        (" . - ", "nik.empty", "NIK wajib diisi"),
        (
            "1003011201990001",
            "nik.province",
            "Kode provinsi pada NIK (digit 1–2: 10) tidak valid; harus 11–99",
        ),
        ("0903011201990001", "nik.province", None),
        ("3600011201990001", "nik.regency", None),
        ("3603001201990001", "nik.district", None),
        ("3603011201990000", "nik.serial", None),
        ("3603010001990001", "nik.day", None),  # day 00
        ("3603013201990001", "nik.day", None),  # day 32
        ("3603014001990001", "nik.day", None),  # 40: neither a man's nor a woman's day
        (
            "3603017201990001",
            "nik.day",
            "Tanggal lahir pada NIK (digit 7–8: 72) harus 01–31, atau 41–71 untuk perempuan",
        ),
        (
            "3603011213990001",
            "nik.month",
            "Bulan lahir pada NIK (digit 9–10: 13) harus 01–12",
        ),
        ("3603011200990001", "nik.month", None),
        (
            "3603013002990001",
            "nik.date",
            "Tanggal lahir pada NIK (30-02) tidak ada di kalender",
        ),
        ("3603017002990001", "nik.date", None),  # woman, 30 Feb
        ("3603013104990001", "nik.date", None),  # 31 April
        ("3603012902010001", "nik.date", None),  # 29 Feb, YY 01: never a leap year
    ],
)
def test_nik_invalid(raw, code, message_id):
    err = error_of(normalize_nik, raw)
    assert err.code == code
    assert isinstance(err, ValueError)
    assert err.message_en and err.message_en != err.message_id
    if message_id is not None:
        assert err.message_id == message_id


def test_nik_error_carries_template_and_params():
    err = error_of(normalize_nik, "360301120199001")
    assert err.template_id == "NIK harus 16 digit angka (Anda mengisi %(length)s)"
    assert err.params == {"length": 15}
    assert err.message_en == "NIK must be 16 digits (you entered 15)"
    assert str(err) == err.message_en


@pytest.mark.parametrize("raw", ["٣٦٠٣٠١١٢٠١٩٩٠٠٠١", "3603011201９９0001", "²603011201990001"])
def test_nik_rejects_non_ascii_digits(raw):
    assert error_of(normalize_nik, raw).code == "nik.chars"


@pytest.mark.parametrize(
    ("nik", "today", "expected"),
    [
        ("3603011201990001", TODAY, date(1999, 1, 12)),
        ("3603015201990002", TODAY, date(1999, 1, 12)),
        ("3603011201050001", TODAY, date(2005, 1, 12)),
        ("3603010106240001", TODAY, date(2024, 6, 1)),  # born today
        ("3603010206240001", TODAY, date(1924, 6, 2)),  # "tomorrow" is a century ago
        ("3603011212240001", TODAY, date(1924, 12, 12)),
        ("3603012902000001", TODAY, date(2000, 2, 29)),
        ("3603.01.520199.0002", TODAY, date(1999, 1, 12)),
    ],
)
def test_nik_birth_date(nik, today, expected):
    assert nik_birth_date(nik, today) == expected


def test_nik_birth_date_defaults_to_today():
    assert nik_birth_date("3603011201990001") == date(1999, 1, 12)


def test_nik_birth_date_rejects_invalid_nik():
    with pytest.raises(IdentifierError):
        nik_birth_date("3603011213990001", TODAY)


def test_nik_gender():
    assert nik_gender("3603011201990001") is Gender.MALE
    assert nik_gender("3603015201990002") is Gender.FEMALE
    assert nik_gender("3603017101900003") == "P"
    assert nik_gender("3603013101900003") == "L"


# --------------------------------------------------------------------------------------------
# KK
# --------------------------------------------------------------------------------------------


def test_kk_valid():
    assert normalize_kk("3603012505150003") == "3603012505150003"
    assert normalize_kk("3603 0125 0515 0003") == "3603012505150003"
    assert normalize_kk("3275012505150003") == "3275012505150003"  # issued in Bekasi


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("360301250515000", "kk.length"),
        ("3603012505150003X", "kk.chars"),
        ("0503012505150003", "kk.province"),
        ("3600012505150003", "kk.regency"),
        ("3603002505150003", "kk.district"),
        ("3603012505150000", "kk.serial"),
        ("", "kk.empty"),
    ],
)
def test_kk_invalid(raw, code):
    err = error_of(normalize_kk, raw)
    assert err.code == code
    assert "KK" in err.message_id


# --------------------------------------------------------------------------------------------
# NPWP
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01.234.567.8-901.000", "0012345678901000"),  # old dotted form, padded
        ("012345678901000", "0012345678901000"),  # old form, bare digits
        ("01 234 567 8 901 000", "0012345678901000"),
        ("0012345678901000", "0012345678901000"),  # new 16-digit form
        ("0012 3456 7890 1000", "0012345678901000"),
        ("3603011201990001", "3603011201990001"),  # an individual's NIK
    ],
)
def test_npwp_valid(raw, expected):
    assert normalize_npwp(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "message_id"),
    [
        (
            "01.234.567.8-901.00",
            "npwp.length",
            "NPWP harus 16 digit, atau 15 digit untuk format lama (Anda mengisi 14)",
        ),
        ("00123456789010001", "npwp.length", None),
        ("01.234.567.8/901.000", "npwp.chars", None),
        ("00.000.000.0-000.000", "npwp.zero", None),
        ("", "npwp.empty", None),
    ],
)
def test_npwp_invalid(raw, code, message_id):
    err = error_of(normalize_npwp, raw)
    assert err.code == code
    if message_id:
        assert err.message_id == message_id


# --------------------------------------------------------------------------------------------
# NISN, NPSN, NSPP, NIB, P-IRT
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("func", "good", "bad_length", "message_id"),
    [
        (normalize_nisn, "0091234567", "009123456", "NISN harus 10 digit angka (Anda mengisi 9)"),
        (normalize_npsn, "20603123", "2060312", "NPSN harus 8 digit angka (Anda mengisi 7)"),
        (normalize_nspp, "510036030001", "5100360300011", None),
        (normalize_nib, "9120001234567", "912000123456", None),
    ],
)
def test_fixed_length_numbers(func, good, bad_length, message_id):
    assert func(good) == good
    assert func(f" {good[:4]} {good[4:]} ") == good
    err = error_of(func, bad_length)
    assert err.code.endswith(".length")
    if message_id:
        assert err.message_id == message_id
    assert error_of(func, good[:-1] + "x").code.endswith(".chars")
    assert error_of(func, "").code.endswith(".empty")


def test_nspp_in_regency():
    assert nspp_in_regency("510036030001")
    assert nspp_in_regency("5100 3603 0001")
    assert not nspp_in_regency("510036710001")  # Kota Tangerang
    assert not nspp_in_regency("510032010001")
    assert not nspp_in_regency("51003603")  # invalid: False, never an exception
    assert not nspp_in_regency("")
    assert nspp_in_regency("510036710001", regency_code="3671")


@pytest.mark.parametrize(
    "raw",
    [
        "2063603010123-24",
        "206360301012324",
        "2063603010123 24",
        "2063603010123.24",
        "2063603010123/24",
        "P-IRT No. 2063603010123-24",
        "pirt nomor: 2063603010123-24",
    ],
)
def test_pirt_valid(raw):
    assert normalize_pirt(raw) == "206360301012324"
    assert format_pirt(raw) == "2063603010123-24"


@pytest.mark.parametrize(
    ("raw", "code"),
    [("2063603010123-2", "pirt.length"), ("2063603010123-245", "pirt.length"),
     ("2063603O10123-24", "pirt.chars"), ("P-IRT", "pirt.empty"), ("", "pirt.empty")],
)  # fmt: skip
def test_pirt_invalid(raw, code):
    assert error_of(normalize_pirt, raw).code == code


# --------------------------------------------------------------------------------------------
# Cooperative legal entity number
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AHU-0001234.AH.01.26.TAHUN 2020", "AHU-0001234.AH.01.26.TAHUN 2020"),
        ("ahu-0001234.ah.01.26.tahun 2020", "AHU-0001234.AH.01.26.TAHUN 2020"),
        ("AHU - 0001234 . AH . 01 . 26 . Tahun  2020", "AHU-0001234.AH.01.26.TAHUN 2020"),
        ("AHU-0001234.AH.01.26.TAHUN2020", "AHU-0001234.AH.01.26.TAHUN 2020"),
        ("AHU-0001234.AH.01.26.Thn. 2020", "AHU-0001234.AH.01.26.TAHUN 2020"),
        ("AHU-0001234.AH.01.29.TAHUN 2024", "AHU-0001234.AH.01.29.TAHUN 2024"),
        ("Nomor: AHU-0001234.AH.01.26.TAHUN 2020", "AHU-0001234.AH.01.26.TAHUN 2020"),
        ("518/BH/XI/2003", "518/BH/XI/2003"),
        ("518/bh/xi/2003", "518/BH/XI/2003"),
        ("518 / BH / XI / 2003", "518/BH/XI/2003"),
        ("No. 518/BH/XI/2003", "518/BH/XI/2003"),
        ("12345/BH/PAD/KWK.11/X/1996", "12345/BH/PAD/KWK.11/X/1996"),
        ("12345/BH/PAD/KWK. 11/X/1996", "12345/BH/PAD/KWK.11/X/1996"),
        ("1234/BH/KDK.11.3/XII/1998", "1234/BH/KDK.11.3/XII/1998"),
        ("77/BH/1950", "77/BH/1950"),
    ],
)
def test_cooperative_number_valid(raw, expected):
    assert normalize_cooperative_number(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "cooperative.empty"),
        ("koperasi maju jaya", "cooperative.format"),
        ("AHU-", "cooperative.format"),
        ("AHU-0001234.AH.01.26", "cooperative.format"),
        ("AHU-00012345.AH.01.26.TAHUN 2020", "cooperative.format"),  # 8-digit serial
        ("AHU-0001234.AH.02.26.TAHUN 2020", "cooperative.format"),
        ("AHU-0001234.AH.01.26.TAHUN 20", "cooperative.format"),
        ("AHU-0000000.AH.01.26.TAHUN 2020", "cooperative.zero"),
        ("AHU-0001234.AH.01.26.TAHUN 1944", "cooperative.year"),
        ("AHU-0001234.AH.01.26.TAHUN 2025", "cooperative.year"),  # after TODAY
        ("518/XX/XI/2003", "cooperative.format"),
        ("518/BH/XI/03", "cooperative.format"),
        ("/BH/XI/2003", "cooperative.format"),
        ("518/BH//2003", "cooperative.format"),
        ("518/BH/XI/2003/", "cooperative.format"),
        ("BH/518/XI/2003", "cooperative.format"),
        ("000/BH/XI/2003", "cooperative.zero"),
        ("518/BH/XI/1900", "cooperative.year"),
        ("518/BH/XI/3003", "cooperative.year"),
    ],
)
def test_cooperative_number_invalid(raw, code):
    assert error_of(normalize_cooperative_number, raw, today=TODAY).code == code


def test_cooperative_year_message_names_the_limits():
    err = error_of(normalize_cooperative_number, "518/BH/XI/2025", today=TODAY)
    assert err.message_id == (
        "Tahun pada nomor badan hukum koperasi (2025) harus antara 1945 dan 2024"
    )
    assert normalize_cooperative_number("518/BH/XI/2024", today=TODAY) == "518/BH/XI/2024"


# --------------------------------------------------------------------------------------------
# Mobile phone
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("081234567890", "081234567890"),
        ("0812-3456-7890", "081234567890"),
        ("0812 3456 7890", "081234567890"),
        ("(0812) 3456-7890", "081234567890"),
        ("0812.3456.7890", "081234567890"),
        ("+6281234567890", "081234567890"),
        ("+62 812 3456 7890", "081234567890"),
        ("+62-812-3456-7890", "081234567890"),
        ("6281234567890", "081234567890"),
        ("006281234567890", "081234567890"),
        ("+62 (0) 812 3456 7890", "081234567890"),
        ("812 3456 7890", "081234567890"),  # typed without the 0
        ("081234567", "081234567"),  # 08[1-9] + 6 digits: shortest
        ("0811234567", "0811234567"),
        ("089612345678", "089612345678"),  # 08[1-9] + 9 digits: longest
    ],
)
def test_mobile_phone_normalisation(raw, expected):
    assert normalize_mobile_phone(raw) == expected
    assert phone_to_e164(raw) == "+62" + expected[1:]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "phone.empty"),
        ("  ", "phone.empty"),
        ("+", "phone.chars"),
        ("0812345678a", "phone.chars"),
        ("0812/3456/7890", "phone.chars"),
        ("021 5551234", "phone.prefix"),  # Jakarta landline
        ("0801234567", "phone.prefix"),  # 08 then 0
        ("+6521234567", "phone.country"),  # Singapore
        ("0065812345678", "phone.country"),
        ("08123456", "phone.length"),
        ("0812345678901", "phone.length"),  # 08[1-9] + 10 digits: over the DOMAIN limit
    ],
)
def test_mobile_phone_invalid(raw, code):
    assert error_of(normalize_mobile_phone, raw).code == code


def test_mobile_phone_messages():
    assert error_of(normalize_mobile_phone, "021 5551234").message_id == (
        "Nomor HP harus nomor seluler yang diawali 08 (Anda mengisi 0215…)"
    )
    assert error_of(normalize_mobile_phone, "08123456").message_id == (
        "Nomor HP harus 9–12 digit termasuk 0 di depan (Anda mengisi 8)"
    )


def test_phone_to_e164():
    assert phone_to_e164("0812-3456-7890") == "+6281234567890"
    with pytest.raises(IdentifierError):
        phone_to_e164("021 5551234")


# --------------------------------------------------------------------------------------------
# Bank account and holder name
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234567890", "1234567890"),
        ("123-456-7890", "1234567890"),
        ("123 00 1234567 8", "1230012345678"),
        ("1234 5678 9012 3456", "1234567890123456"),
        ("0012345678", "0012345678"),  # leading zeros kept
    ],
)
def test_bank_account_valid(raw, expected):
    assert normalize_bank_account(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("123456789", "bank_account.length"),
        ("12345678901234567", "bank_account.length"),
        ("12345A7890", "bank_account.chars"),
        ("0000000000", "bank_account.zero"),
        ("", "bank_account.empty"),
    ],
)
def test_bank_account_invalid(raw, code):
    assert error_of(normalize_bank_account, raw).code == code


def test_bank_account_length_message():
    assert error_of(normalize_bank_account, "123456789").message_id == (
        "Nomor rekening harus 10–16 digit angka (Anda mengisi 9)"
    )


@pytest.mark.parametrize(
    ("holder", "applicant"),
    [
        ("PONPES AL-HIDAYAH", "Pondok Pesantren Al Hidayah"),
        ("PONDOK PESANTREN AL HIDAYAH", "Ponpes Al-Hidayah"),
        ("PONTREN NURUL HUDA", "Pondok Pesantren Nurul Huda"),
        ("PESANTREN NURUL HUDA", "Ponpes Nurul Huda"),
        ("PP. AL IHSAN", "Pondok Pesantren Al-Ihsan"),
        ("KOP. MAJU JAYA", "Koperasi Maju Jaya"),
        ("KOPERASI  MAJU   JAYA", "kop maju jaya"),
        ("KSP SEJAHTERA", "Koperasi Simpan Pinjam Sejahtera"),
        ("KSPPS BMT BERKAH", "Koperasi Simpan Pinjam dan Pembiayaan Syariah BMT Berkah"),
        ("YYS DARUL ULUM", "Yayasan Darul Ulum"),
        ("Yayasan Pondok Pesantren Al-Hikmah", "Pondok Pesantren Al-Hikmah"),  # the yayasan's
        ("YAYASAN DARUL ULUM", "PONDOK PESANTREN DARUL ULUM"),
        ("PP. DARUL ULUM", "Yayasan Pondok Pesantren Darul Ulum"),
        ("DARUL ULUM", "Pondok Pesantren Darul Ulum"),
        ("  siti   aminah ", "SITI AMINAH"),
        ("ALHIDAYAH", "AL HIDAYAH"),
        ("M. RIZKI", "Muhammad Rizki"),
        ("MOCH RIZKI", "Muhammad Rizki"),
        ("AHMAD FAUZI", "H. Ahmad Fauzi, S.Pd.I"),
        ("AHMAD FAUZI", "KH. Ahmad Fauzi, Lc, MA"),
        ("HJ SITI AMINAH", "Siti Aminah"),
        ("ABD ROHMAN", "Abdul Rohman"),
        ("JOSE", "José"),
    ],
)
def test_holder_name_matches(holder, applicant):
    assert holder_name_matches(holder, applicant)
    assert holder_name_matches(applicant, holder)


@pytest.mark.parametrize(
    ("holder", "applicant"),
    [
        ("PONPES AL-HIDAYAH", "Pondok Pesantren Al Hikmah"),
        ("SITI AMINAH", "SITI AMINAH ZAHRA"),  # extra word
        ("SITI", "SITA"),
        ("KOPERASI MAJU JAYA", "MAJU JAYA"),
        ("M RIZKI", "MAHMUD RIZKI"),
        ("AHMAD FAUZI", "AHMAD FAUZAN"),
        ("KOP MAJU JAYA", "KOPERASI MAJU, JAYA ABADI"),  # a comma is not always a degree
        ("", ""),
        ("H.", "H."),
        ("...", "..."),
    ],
)
def test_holder_name_does_not_match(holder, applicant):
    assert not holder_name_matches(holder, applicant)


def test_holder_name_matches_never_raises_on_odd_input():
    assert not holder_name_matches(None, "SITI")  # type: ignore[arg-type]
    assert not holder_name_matches("SITI", 5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------------------------

B = MASK_CHAR


def test_mask_nik():
    assert mask_nik("3603011201990001") == "3603••••••••0001"
    assert mask_nik("3603011201990001") == "3603" + B * 8 + "0001"
    assert mask_nik("3603 0112 0199 0001") == "3603" + B * 8 + "0001"


@pytest.mark.parametrize(
    "odd", ["", "123", "36030112019900011", "3603O11201990001", None, 3603011201990001, b"x"]
)
def test_mask_nik_odd_input_is_fully_masked(odd):
    assert mask_nik(odd) == B * 16


def test_mask_account():
    assert mask_account("1234567890") == B * 6 + "7890"
    assert mask_account("123-00-1234567-8") == B * 9 + "5678"
    assert mask_account("1234567890123456") == B * 12 + "3456"


@pytest.mark.parametrize("odd", ["", "1234", "123456789", "12345A7890", None, 1234567890])
def test_mask_account_odd_input_is_fully_masked(odd):
    assert mask_account(odd) == B * 10


@given(st.one_of(st.text(), st.none(), st.integers(), st.binary()))
def test_masks_never_raise_nor_leak(value):
    masked_nik = mask_nik(value)
    masked_account = mask_account(value)
    assert sum(c != B for c in masked_nik) in (0, 8)
    assert sum(c != B for c in masked_account) in (0, 4)


# --------------------------------------------------------------------------------------------
# Properties: canonical values are fixed points; only IdentifierError escapes
# --------------------------------------------------------------------------------------------


def _cooperative(raw: str) -> str:
    return normalize_cooperative_number(raw, today=TODAY)


NORMALIZERS = [
    normalize_nik,
    normalize_kk,
    normalize_npwp,
    normalize_nisn,
    normalize_npsn,
    normalize_nspp,
    normalize_nib,
    normalize_pirt,
    _cooperative,
    normalize_mobile_phone,
    normalize_bank_account,
]

numeric_text = st.text(alphabet="0123456789 .-+()/\u00a0", max_size=24)
nik_like = st.builds(
    lambda region, day, month, year, serial, sep: sep.join(
        [region, f"{day:02d}{month:02d}{year:02d}", f"{serial:04d}"]
    ),
    st.sampled_from(["360301", "317401", "110101", "100101", "360001", "990199"]),
    st.integers(0, 75),
    st.integers(0, 13),
    st.integers(0, 99),
    st.integers(0, 9999),
    st.sampled_from(["", " ", ".", "-"]),
)
phone_like = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(["", "0", "+62", "62", "0062", "+62 (0)", "+65", "00"]),
    st.text(alphabet="0123456789 -", min_size=0, max_size=15),
)
cooperative_like = st.one_of(
    st.builds(
        "AHU-{}.AH.01.{}.TAHUN {}".format,
        st.text(alphabet="0123456789", min_size=1, max_size=8),
        st.text(alphabet="0123456789", min_size=2, max_size=2),
        st.integers(1900, 2100),
    ),
    st.builds(
        "/".join,
        st.lists(st.sampled_from(["518", "BH", "bh", "XI", "KWK.11", "PAD", "2003", "1940", ""])),
    ),
    st.text(alphabet="AHUBTNahu0123456789./- ", max_size=40),
)
any_input = st.one_of(st.text(), numeric_text, nik_like, phone_like, cooperative_like)


@pytest.mark.parametrize("normalize", NORMALIZERS, ids=lambda f: f.__name__)
@given(raw=any_input)
@example(raw="3603011201990001")
@example(raw="01.234.567.8-901.000")
@example(raw="+62 (0) 812 3456 7890")
@example(raw="AHU-0001234.AH.01.26.TAHUN 2020")
@example(raw="12345/BH/PAD/KWK.11/X/1996")
def test_normalizers_are_idempotent_or_raise_identifier_error(normalize, raw):
    try:
        canonical = normalize(raw)
    except IdentifierError as err:
        assert err.code and err.message_id and err.message_en
        return
    assert isinstance(canonical, str)
    assert canonical.isascii()
    assert normalize(canonical) == canonical


@given(nik_like)
def test_nik_derivations_agree_with_normalisation(raw):
    try:
        nik = normalize_nik(raw)
    except IdentifierError:
        return
    born = nik_birth_date(nik, TODAY)
    assert born <= TODAY
    assert born.day == int(nik[6:8]) % 40
    assert nik_gender(nik) in (Gender.MALE, Gender.FEMALE)


# --------------------------------------------------------------------------------------------
# Catalog: every Indonesian template is extractable by pybabel's default keywords
# --------------------------------------------------------------------------------------------

ERROR_SAMPLES = [
    (normalize_nik, ["", "x", "1", "1003011201990001", "3600011201990001", "3603001201990001",
                     "3603011201990000", "3603013201990001", "3603011213990001",
                     "3603013002990001"]),
    (normalize_kk, ["", "x", "1", "1003011201990001", "3600011201990001", "3603001201990001",
                    "3603011201990000"]),
    (normalize_npwp, ["", "x", "1", "000000000000000"]),
    (normalize_nisn, ["", "x", "1"]),
    (normalize_npsn, ["", "x", "1"]),
    (normalize_nspp, ["", "x", "1"]),
    (normalize_nib, ["", "x", "1"]),
    (normalize_pirt, ["", "x", "1"]),
    (_cooperative, ["", "x", "AHU-0000000.AH.01.26.TAHUN 2020", "518/BH/XI/1900"]),
    (normalize_mobile_phone, ["", "x", "+65", "0212345678", "08123"]),
    (normalize_bank_account, ["", "x", "1", "0000000000"]),
]  # fmt: skip


def test_every_template_is_in_the_catalog():
    sources = Path(identifiers.__file__).parent.glob("*.py")
    extracted = {message for source in sources
                 for _, message, _, _ in extract_from_file("python", str(source))}
    codes = set()
    for func, samples in ERROR_SAMPLES:
        for raw in samples:
            err = error_of(func, raw)
            codes.add(err.code)
            assert err.template_id in extracted, err.code
    assert len(codes) >= 40
