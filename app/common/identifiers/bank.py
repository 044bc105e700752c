"""Bank account numbers and holder names."""

from __future__ import annotations

import re
import unicodedata

from app.common.identifiers.base import (
    BANK_ACCOUNT_MAX_DIGITS,
    BANK_ACCOUNT_MIN_DIGITS,
    N_,
    _fail,
    _Message,
    _Numeric,
)

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
