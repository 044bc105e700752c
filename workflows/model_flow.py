"""The flow of a definition as data: documents, stages, transitions (with the fields a step
asks for) and the applicant's withdrawal."""

from __future__ import annotations

from dataclasses import dataclass

from .constants import RETURNED_FROM
from .text import JSON, Choice, Text


@dataclass(frozen=True)
class FieldSpec:
    """A value the actor must enter when firing a transition."""

    name: str
    label: Text
    type: str
    required: bool = True
    items: tuple[Choice, ...] = ()
    min: int | float | None = None
    max: int | float | None = None
    weight: int | None = None
    justification: bool = False
    #: checklist only: every item must be ticked (otherwise return or reject instead)
    all_checked: bool = False

    def to_dict(self) -> JSON:
        data = {
            "name": self.name,
            "label": self.label.to_dict(),
            "type": self.type,
            "required": self.required,
            "items": [i.to_dict() for i in self.items],
            "min": self.min,
            "max": self.max,
            "weight": self.weight,
            "justification": self.justification,
        }
        if self.all_checked:  # only when set, so older snapshots keep their digests
            data["all_checked"] = True
        return data


@dataclass(frozen=True)
class DocumentRequirement:
    type: str
    label: Text
    mandatory: bool
    accept: tuple[str, ...]
    max_mb: int
    stage: str | None = None
    uploaded_by: str = "applicant"
    applicant_kinds: tuple[str, ...] = ()
    #: how many files of this type may be current at once (site photos); 1 = a new one replaces
    max_files: int = 1

    def applies_to(self, applicant_kind: str | None) -> bool:
        return not self.applicant_kinds or applicant_kind in (None, *self.applicant_kinds)

    def to_dict(self) -> JSON:
        data = {
            "type": self.type,
            "label": self.label.to_dict(),
            "mandatory": self.mandatory,
            "accept": list(self.accept),
            "max_mb": self.max_mb,
            "stage": self.stage,
            "uploaded_by": self.uploaded_by,
            "applicant_kinds": list(self.applicant_kinds),
        }
        if self.max_files != 1:  # absent when 1: earlier snapshots keep their digest
            data["max_files"] = self.max_files
        return data


@dataclass(frozen=True)
class Stage:
    key: str
    name: Text
    actor: str | None  # "applicant" | "agency" | "operator"; None for terminal stages
    agency: str | None = None
    role: str | None = None
    sla_days: int | None = None
    applicant_may: tuple[str, ...] = ()
    terminal: bool = False
    outcome: str | None = None

    @property
    def is_applicant_stage(self) -> bool:
        return self.actor == "applicant"

    def to_dict(self) -> JSON:
        return {
            "key": self.key,
            "name": self.name.to_dict(),
            "actor": self.actor,
            "agency": self.agency,
            "role": self.role,
            "sla_days": self.sla_days,
            "applicant_may": list(self.applicant_may),
            "terminal": self.terminal,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class Transition:
    from_stage: str
    action: str
    to: str
    label: Text
    roles: tuple[str, ...]
    guards: tuple[str, ...] = ()
    reason_required: bool = False
    requires_fields: tuple[FieldSpec, ...] = ()
    requires_documents: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    #: the step hands the application in: eligibility and duplicates are re-checked, the first
    #: one sets ``submitted_dt`` and is notified as a submission
    submits: bool = False

    @property
    def returns_to_sender(self) -> bool:
        return self.to == RETURNED_FROM

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.requires_fields if f.name == name), None)

    def to_dict(self) -> JSON:
        return {
            "from": self.from_stage,
            "action": self.action,
            "to": self.to,
            "label": self.label.to_dict(),
            "roles": list(self.roles),
            "guards": list(self.guards),
            "reason_required": self.reason_required,
            "requires_fields": [f.to_dict() for f in self.requires_fields],
            "requires_documents": list(self.requires_documents),
            "effects": list(self.effects),
            "submits": self.submits,
        }


@dataclass(frozen=True)
class Withdrawal:
    """Where an applicant's withdrawal leads, from any stage whose applicant_may lists it."""

    to: str
    reason_required: bool = False
    effects: tuple[str, ...] = ()

    def to_dict(self) -> JSON:
        return {
            "to": self.to,
            "reason_required": self.reason_required,
            "effects": list(self.effects),
        }


@dataclass(frozen=True)
class Agreement:
    """A document the system issues for the recipient to sign (NPHD, loan agreement, SPTJM…)."""

    key: str
    title: Text
    template: str
    issued_at: str
    signed_copy: str

    def to_dict(self) -> JSON:
        return {
            "key": self.key,
            "title": self.title.to_dict(),
            "template": self.template,
            "issued_at": self.issued_at,
            "signed_copy": self.signed_copy,
        }


WITHDRAW_LABEL = Text(id="Tarik usulan", en="Withdraw")
