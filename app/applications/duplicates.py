"""Duplicate and overlap checks across programs, by blind-indexed identifiers.

At submission an application's identifiers (NIK, KK, NISN, NSPP, cooperative number, NPSN, bank
account) are recorded. A program's ``once_per`` policy makes a repeat *blocking*; overlaps that are
not forbidden but worth a reviewer's look (one bank account for two applicants, one household in
several programs) become non-blocking flags.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.applications.models import Application, ApplicationIdentifier, DuplicateFlag
from app.common import pii
from app.extensions import db
from app.organizations.models import BankAccount, Organization, Person
from workflows import ProgramDefinition

UNSUCCESSFUL = ("rejected", "withdrawn")
CLOSED = ("rejected", "withdrawn", "completed")
LABELS = {
    "nik": "NIK",
    "kk": "nomor KK",
    "nisn": "NISN",
    "nspp": "NSPP",
    "ahu": "nomor badan hukum",
    "nib": "NIB",
    "npsn": "NPSN",
    "bank": "rekening bank",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    other: Application
    blocking: bool
    note: str


def identifiers_of(application: Application) -> dict[str, str]:
    """kind → blind index (or the public number itself for NSPP/NPSN/AHU/NISN, keyed too)."""
    found: dict[str, str] = {}
    if application.organization_id:
        org = db.session.get(Organization, application.organization_id)
        pairs = (("nspp", org.nspp), ("ahu", org.ahu_number), ("nib", org.nib), ("npsn", org.npsn))
        for kind, value in pairs:
            if value:
                found[kind] = pii.blind_index(value, purpose=kind)
    if application.person_id:
        person = db.session.get(Person, application.person_id)
        if person.nik_bidx:
            found["nik"] = person.nik_bidx
        if person.kk_bidx:
            found["kk"] = person.kk_bidx
        if person.nisn:
            found["nisn"] = pii.blind_index(person.nisn, purpose="nisn")
    nisn = (application.answers or {}).get("nisn")
    if "nisn" not in found and nisn:  # a parent applying names the student by NISN
        found["nisn"] = pii.blind_index(str(nisn), purpose="nisn")
    account = current_bank_account(application)
    if account is not None:
        found["bank"] = account.number_bidx
    return found


def current_bank_account(application: Application) -> BankAccount | None:
    owner = (
        BankAccount.organization_id == application.organization_id
        if application.organization_id
        else BankAccount.person_id == application.person_id
    )
    return db.session.scalar(
        sa.select(BankAccount)
        .where(owner, BankAccount.is_current.is_(True))
        .order_by(BankAccount.id.desc())
        .limit(1)
    )


def record_identifiers(application: Application) -> dict[str, str]:
    identifiers = identifiers_of(application)
    db.session.execute(
        sa.delete(ApplicationIdentifier).where(
            ApplicationIdentifier.application_id == application.id
        )
    )
    for kind, value in identifiers.items():
        db.session.add(
            ApplicationIdentifier(application_id=application.id, kind=kind, value_bidx=value)
        )
    db.session.flush()
    return identifiers


def _others_with(kind: str, value: str, application: Application) -> list[Application]:
    return list(
        db.session.scalars(
            sa.select(Application)
            .join(ApplicationIdentifier, ApplicationIdentifier.application_id == Application.id)
            .where(
                ApplicationIdentifier.kind == kind,
                ApplicationIdentifier.value_bidx == value,
                Application.id != application.id,
                sa.or_(Application.outcome.is_(None), Application.outcome.not_in(UNSUCCESSFUL)),
            )
        )
    )


def _in_scope(scope: str, other: Application, application: Application) -> bool:
    if scope == "fiscal_year":
        return other.fiscal_year == application.fiscal_year
    if scope == "school_year":
        return other.school_year == application.school_year
    if scope == "active":
        return other.outcome not in CLOSED
    return True  # "ever"


def check(defn: ProgramDefinition, application: Application) -> list[Finding]:
    identifiers = record_identifiers(application)
    findings: list[Finding] = []
    for policy in defn.once_per:
        value = identifiers.get(policy.identifier)
        if value is None:
            continue
        for other in _others_with(policy.identifier, value, application):
            if other.program_key == defn.key and _in_scope(policy.scope, other, application):
                findings.append(
                    Finding(
                        policy.identifier,
                        other,
                        policy.blocking,
                        _repeat_note(policy.identifier, other),
                    )
                )
    findings.extend(_overlaps(identifiers, application, {f.other.id for f in findings}))
    return findings


def _repeat_note(kind: str, other: Application) -> str:
    label = LABELS[kind]
    return f"{label[0].upper()}{label[1:]} yang sama sudah ada pada permohonan {other.number}."


def _overlaps(
    identifiers: dict[str, str], application: Application, seen: set[int]
) -> list[Finding]:
    findings = []
    for kind in ("bank", "kk", "nik"):
        value = identifiers.get(kind)
        if value is None:
            continue
        for other in _others_with(kind, value, application):
            same_party = _same_party(other, application)
            if other.id in seen or (
                same_party and (kind == "bank" or other.program_key == application.program_key)
            ):
                continue
            seen.add(other.id)
            note = (
                f"Rekening bank yang sama dipakai pemohon lain ({other.number})."
                if kind == "bank"
                else "Rumah tangga yang sama juga menerima/mengajukan "
                f"{other.program_key} ({other.number})."
            )
            findings.append(Finding(kind, other, False, note))
    return findings


def _same_party(other: Application, application: Application) -> bool:
    if application.organization_id:
        return other.organization_id == application.organization_id
    return other.person_id == application.person_id


def save_flags(application: Application, findings: list[Finding]) -> None:
    db.session.execute(
        sa.delete(DuplicateFlag).where(DuplicateFlag.application_id == application.id)
    )
    for finding in findings:
        db.session.add(
            DuplicateFlag(
                application_id=application.id,
                kind=finding.kind,
                other_application_id=finding.other.id,
                blocking=finding.blocking,
                note=finding.note[:300],
            )
        )
    db.session.flush()
