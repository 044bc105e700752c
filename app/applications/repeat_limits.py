"""Every repeat limit of a program (``once_per``), evaluated without leaving a trace: the
pre-check shows each with its reason (and the date of the earlier award), and a submission
refuses on the ``awarded`` ones (live applications are checked by ``duplicates.check``)."""

from __future__ import annotations

from typing import Any

from app.applications import duplicates
from app.applications.facts import today
from app.applications.models import Application
from app.applications.parties import Parties, identifiers_of
from app.common.i18n import date_id
from app.programs import awards
from workflows import ProgramDefinition
from workflows.model import OncePer

LABELS_EN = {"nik": "NIK", "kk": "family card (KK) number", "nisn": "NISN", "nspp": "NSPP",
             "ahu": "legal entity number", "nib": "NIB", "npsn": "NPSN"}
SCOPES = {
    "ever": ("pernah", "ever"),
    "fiscal_year": ("pada tahun anggaran yang sama", "in the same fiscal year"),
    "school_year": ("pada tahun ajaran yang sama", "in the same school year"),
    "active": ("yang masih berjalan", "still running"),
}


def evaluate(defn: ProgramDefinition, application: Application,
             parties: Parties | None = None) -> list[dict[str, Any]]:
    """One result per limit, shaped like an eligibility rule's result."""
    parties = parties or Parties.of(application)
    identifiers = identifiers_of(application, parties)
    live = None
    results = []
    for index, policy in enumerate(defn.once_per):
        value = identifiers.get(policy.identifier)
        if policy.counts_awards:
            reason = _award_reason(defn, policy, value, application) if value else None
        else:
            if live is None:
                live = duplicates.sharing(identifiers, application)[1]
            reason = _live_reason(defn, policy, live, application)
        results.append(_result(index, policy, reason, defn.key))
    return results


def refusals(defn: ProgramDefinition, application: Application,
             parties: Parties | None = None) -> list[str]:
    """The Indonesian reasons of the blocking ``awarded`` limits that refuse (at submission)."""
    if not any(p.counts_awards for p in defn.once_per):
        return []
    identifiers = identifiers_of(application, parties)
    found = []
    for policy in defn.once_per:
        value = identifiers.get(policy.identifier)
        if policy.counts_awards and policy.blocking and value:
            reason = _award_reason(defn, policy, value, application)
            if reason is not None:
                found.append(reason["id"])
    return found


def _award_reason(defn: ProgramDefinition, policy: OncePer, value: str,
                  application: Application) -> dict[str, str] | None:
    award = awards.latest_award(defn, policy, value, today=today(), besides=application.id)
    if award is None:
        return None
    label = duplicates.LABELS[policy.identifier]
    name_id, name_en = duplicates.program_names(award.program_key)
    return {
        "id": f"{label[0].upper()}{label[1:]} yang sama sudah menerima {name_id} "
              f"pada {date_id(award.awarded_on)}.",
        "en": f"The same {LABELS_EN[policy.identifier]} was awarded {name_en} on "
              f"{date_id(award.awarded_on, locale='en')}.",
    }


def _live_reason(defn: ProgramDefinition, policy: OncePer, live: dict,
                 application: Application) -> dict[str, str] | None:
    for other in live.get(policy.identifier, ()):
        if other.program_key == defn.key and duplicates.in_scope(policy.scope, other, application):
            label = duplicates.LABELS[policy.identifier]
            return {
                "id": f"{label[0].upper()}{label[1:]} yang sama sudah ada pada permohonan "
                      f"{other.number}.",
                "en": f"The same {LABELS_EN[policy.identifier]} is already on application "
                      f"{other.number}.",
            }
    return None


def _message(policy: OncePer, program: str) -> dict[str, str]:
    label_id, label_en = duplicates.LABELS[policy.identifier], LABELS_EN[policy.identifier]
    if policy.counts_awards:
        what_id = f"program kelompok {policy.group}" if policy.group else program
        what_en = f"any program of the {policy.group} group" if policy.group else program
        when_id = f" dalam {policy.within_years} tahun terakhir" if policy.within_years else ""
        when_en = f" in the last {policy.within_years} years" if policy.within_years else ""
        return {"id": f"Belum menerima {what_id}{when_id} (menurut {label_id})",
                "en": f"Not awarded {what_en}{when_en} (by {label_en})"}
    scope_id, scope_en = SCOPES[policy.scope]
    return {"id": f"Satu permohonan per {label_id} {scope_id}",
            "en": f"One application per {label_en} {scope_en}"}


def _result(index: int, policy: OncePer, reason: dict[str, str] | None,
            program: str) -> dict[str, Any]:
    ok = {"id": "Tidak ada penerimaan atau permohonan sebelumnya yang menghalangi.",
          "en": "No earlier award or application stands in the way."}
    return {
        "key": f"repeat_{index + 1}_{policy.identifier}",
        "outcome": "pass" if reason is None else "fail",
        "blocking": policy.blocking,
        "message": _message(policy, program),
        "reason": ok if reason is None else reason,
        "hint": None,
    }
