"""Duplicate and overlap checks across programs, by blind-indexed identifiers.

At submission an application's identifiers (NIK, KK, NISN, NSPP, cooperative number, NPSN, bank
account) are recorded. A program's ``once_per`` policy makes a repeat *blocking*; overlaps that are
not forbidden but worth a reviewer's look (one bank account for two applicants, one household in
several programs) become non-blocking flags.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.applications.models import (
    CLOSED_OUTCOMES,
    Application,
    ApplicationIdentifier,
    DuplicateFlag,
)
from app.applications.parties import Parties, identifiers_of
from app.extensions import db
from app.programs.registry import registry
from workflows import ProgramDefinition

UNSUCCESSFUL = ("rejected", "withdrawn")
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


#: what a check reads of another application (its row, without the answers and documents:
#: ``id``, ``number``, ``program_key``, years, ``outcome`` and the party), as a named row
OTHER_COLUMNS = (Application.id, Application.number, Application.program_key,
                 Application.fiscal_year, Application.school_year, Application.outcome,
                 Application.organization_id, Application.person_id)
Other = sa.Row


@dataclass(frozen=True)
class Finding:
    kind: str
    other: Other
    blocking: bool
    note: str


#: built once (its cache key is computed once): this application's identifier rows, and the
#: live applications' rows holding any of the (kind, value) pairs given
_SHARING = (
    sa.select(ApplicationIdentifier.kind, ApplicationIdentifier.value_bidx, *OTHER_COLUMNS)
    .join(Application, ApplicationIdentifier.application_id == Application.id)
    .where(sa.or_(
        ApplicationIdentifier.application_id == sa.bindparam("application_id"),
        sa.and_(
            sa.tuple_(ApplicationIdentifier.kind, ApplicationIdentifier.value_bidx).in_(
                sa.bindparam("pairs", expanding=True)),
            sa.or_(Application.outcome.is_(None), Application.outcome.not_in(UNSUCCESSFUL)),
        ),
    ))
    .order_by(Application.id)
)


def sharing(identifiers: dict[str, str], application: Application,
            ) -> tuple[set[tuple[str, str]], dict[str, list[Other]]]:
    """One query: the identifiers recorded for this application, and per kind the other live
    applications (not rejected or withdrawn) recorded with the same value."""
    own: set[tuple[str, str]] = set()
    others: dict[str, list[Other]] = {}
    rows = db.session.execute(_SHARING, {"application_id": application.id,
                                         "pairs": sorted(identifiers.items())})
    for row in rows:
        kind, value = row.kind, row.value_bidx
        if row.id == application.id:
            own.add((kind, value))
        elif identifiers.get(kind) == value:
            others.setdefault(kind, []).append(row)
    return own, others


def record_identifiers(application: Application, parties: Parties | None = None,
                       ) -> tuple[dict[str, str], dict[str, list[Other]], bool]:
    """Record the application's identifiers (only what changed) and return them with the other
    applications sharing each one, and whether any were recorded before this call."""
    identifiers = identifiers_of(application, parties)
    own, others = sharing(identifiers, application)
    wanted = set(identifiers.items())
    stale = own - wanted
    if stale:
        db.session.execute(
            sa.delete(ApplicationIdentifier).where(
                ApplicationIdentifier.application_id == application.id,
                sa.tuple_(ApplicationIdentifier.kind, ApplicationIdentifier.value_bidx).in_(
                    sorted(stale)),
            )
        )
    new = sorted(wanted - own)
    if new:
        db.session.execute(_RECORD_IDENTIFIERS, [
            {"application_id": application.id, "kind": kind, "value_bidx": value}
            for kind, value in new])
    return identifiers, others, bool(own)


#: built once; a Core INSERT of the table (executemany), not the ORM's bulk INSERT path
_RECORD_IDENTIFIERS = sa.insert(ApplicationIdentifier.__table__)
_RECORD_FLAGS = sa.insert(DuplicateFlag.__table__)


def in_scope(scope: str, other: Other, application: Application) -> bool:
    if scope == "fiscal_year":
        return other.fiscal_year == application.fiscal_year
    if scope == "school_year":
        return other.school_year == application.school_year
    if scope == "active":
        return other.outcome not in CLOSED_OUTCOMES
    return True  # "ever"


def check(
    defn: ProgramDefinition, application: Application, parties: Parties | None = None
) -> list[Finding]:
    """Record the identifiers, find the repeats and overlaps, and store them as the
    application's flags (replacing the previous check's): the one way flags are written."""
    identifiers, others, checked_before = record_identifiers(application, parties)
    findings: list[Finding] = []
    for policy in defn.once_per:
        if policy.counts_awards:  # earlier awards: ``repeat_limits.refusals``
            continue
        for other in others.get(policy.identifier, ()):
            if other.program_key == defn.key and in_scope(policy.scope, other, application):
                findings.append(
                    Finding(
                        policy.identifier,
                        other,
                        policy.blocking,
                        _repeat_note(policy.identifier, other),
                    )
                )
    findings.extend(_overlaps(others, application, {f.other.id for f in findings}))
    # flags are written only here, after identifiers were recorded: an application with none
    # recorded before has never been flagged, so there is nothing to clear
    _save_flags(application, findings, clear=checked_before)
    return findings


def _repeat_note(kind: str, other: Other) -> str:
    label = LABELS[kind]
    return f"{label[0].upper()}{label[1:]} yang sama sudah ada pada permohonan {other.number}."


def _overlaps(
    others: dict[str, list[Other]], application: Application, seen: set[int]
) -> list[Finding]:
    findings = []
    for kind in ("bank", "kk", "nik"):
        for other in others.get(kind, ()):
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
                f"{_program_name(other.program_key)} ({other.number})."
            )
            findings.append(Finding(kind, other, False, note))
    return findings


def program_names(key: str) -> tuple[str, str]:
    """A program's name in Indonesian and English, for messages stored in both (its key in
    capitals when no definition of it is loaded)."""
    definition = registry().current(key)
    if definition is None:
        return key.upper(), key.upper()
    return definition.name.id, definition.name.en


def _program_name(key: str) -> str:
    return program_names(key)[0]


def _same_party(other: Other, application: Application) -> bool:
    if application.organization_id:
        return other.organization_id == application.organization_id
    return other.person_id == application.person_id


_CLEAR_FLAGS = sa.delete(DuplicateFlag).where(
    DuplicateFlag.application_id == sa.bindparam("application_id"))


def _save_flags(application: Application, findings: list[Finding], *, clear: bool) -> None:
    if clear:
        db.session.execute(_CLEAR_FLAGS, {"application_id": application.id})
    if findings:
        db.session.execute(_RECORD_FLAGS, [
            {"application_id": application.id, "kind": f.kind,
             "other_application_id": f.other.id, "blocking": f.blocking, "note": f.note[:300]}
            for f in findings])
