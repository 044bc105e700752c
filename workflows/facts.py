"""The fact vocabulary: dotted names the app provides to rules and guards, with labels."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .model import Text

FACT_NAME = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$")

# Roots a rule may read. ``answers`` and ``history`` are open-ended.
FACT_ROOTS = frozenset(
    {
        "org",
        "person",
        "answers",
        "register",
        "history",
        "today",
        "fiscal_year",
        "applicant_kind",
    }
)

FACT_LABELS: dict[str, Text] = {
    "org.kind": Text("Jenis lembaga", "Organisation kind"),
    "org.pesantren_type": Text("Tipe pesantren", "Pesantren type"),
    "org.nspp": Text("NSPP", "NSPP"),
    "org.npwp": Text("NPWP lembaga", "Organisation NPWP"),
    "org.ahu_number": Text("Nomor badan hukum (AHU)", "Legal entity number (AHU)"),
    "org.rat_last_year": Text("Tahun buku RAT terakhir", "Last book year with an RAT"),
    "org.active": Text("Status aktif", "Active status"),
    "org.founded_on": Text("Tanggal berdiri", "Founding date"),
    "org.desa_code": Text("Kode desa/kelurahan lembaga", "Organisation village code"),
    "org.has_bank_account": Text("Rekening atas nama lembaga", "Bank account in its name"),
    "org.resident_santri": Text("Jumlah santri mukim", "Resident santri"),
    "person.desa_code": Text("Kode desa/kelurahan domisili (KTP)", "Village of residence (KTP)"),
    "person.is_civil_servant": Text("Berstatus ASN/TNI/Polri", "Civil servant/military/police"),
    "person.has_fixed_income": Text("Berpenghasilan tetap", "Has a fixed income"),
    "person.npwp": Text("NPWP", "NPWP"),
    "person.has_bank_account": Text("Rekening bank aktif", "Active bank account"),
    "person.teaching_since": Text("Mulai mengajar", "Teaching since"),
    "register.dtks_listed": Text("Terdaftar di DTKS/DTSEN", "Listed in DTKS/DTSEN"),
    "register.pesantren_registered": Text(
        "Terdaftar di Kemenag", "Registered with the Ministry of Religious Affairs"
    ),
    "today": Text("Tanggal hari ini", "Today's date"),
    "fiscal_year": Text("Tahun anggaran", "Fiscal year"),
    "applicant_kind": Text("Jenis pemohon", "Applicant kind"),
    "answers.sanitation_adequate": Text("Sanitasi sudah layak", "Sanitation adequate"),
    "answers.similar_aid_this_year": Text(
        "Menerima bantuan serupa tahun ini", "Similar aid received this year"
    ),
    "answers.class_rank": Text("Peringkat kelas", "Class rank"),
    "answers.has_sktm": Text("Memiliki SKTM", "Has a certificate of low income (SKTM)"),
    "answers.nisn": Text("NISN", "NISN"),
    "answers.pupil_count": Text("Jumlah santri/murid", "Number of pupils"),
    "answers.report_average": Text("Rata-rata nilai rapor", "Report card average"),
    "answers.requested_amount": Text("Nilai yang diajukan", "Amount requested"),
    "answers.school_desa_code": Text("Desa/kelurahan sekolah", "Village of the school"),
    "answers.school_level": Text("Jenjang sekolah", "School level"),
}

#: Code values of facts shown in rule reasons, by their name (a value not listed is shown as is)
VALUE_LABELS: dict[str, Text] = {
    "pengembangan_salafi": Text("pengembangan salafi", "developing salafi"),
    "kelompok_usaha": Text("kelompok usaha", "business group"),
    "khalafi": Text("khalafi", "khalafi"),
}

_MISSING = object()


def lookup(facts: Mapping[str, Any], name: str) -> Any:
    """Value of a dotted fact, or ``MISSING``.

    A flat key (``facts["org.kind"]``) wins over nested mappings (``facts["org"]["kind"]``).
    """
    try:
        if name in facts:
            return facts[name]
    except TypeError:
        return _MISSING
    current: Any = facts
    for part in name.split("."):
        if not isinstance(current, Mapping):
            return _MISSING
        try:
            current = current.get(part, _MISSING)
        except TypeError:
            return _MISSING
        if current is _MISSING:
            return _MISSING
    return current


def is_missing(value: Any) -> bool:
    return value is _MISSING or value is None


def fact_label(name: str) -> Text:
    if name in FACT_LABELS:
        return FACT_LABELS[name]
    if name.startswith("history.") and name.endswith("_grants"):
        program = name.removeprefix("history.").removesuffix("_grants").upper()
        return Text(f"Bantuan {program} yang pernah diterima", f"{program} grants received")
    return Text(name, name)
