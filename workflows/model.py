"""Immutable program definitions and their canonical serialisation.

Every class here is a frozen dataclass built only from hashable values (tuples, not lists or
dicts), so two definitions compare equal exactly when their data are equal. ``to_dict()`` returns
plain JSON data in the same shape as the YAML files; ``parse_definition(d.to_dict()) == d``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from .constants import RETURNED_FROM, WITHDRAW
from .form_model import Form
from .text import JSON, Choice, Text, json_value, opt


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

    def applies_to(self, applicant_kind: str | None) -> bool:
        return not self.applicant_kinds or applicant_kind in (None, *self.applicant_kinds)

    def to_dict(self) -> JSON:
        return {
            "type": self.type,
            "label": self.label.to_dict(),
            "mandatory": self.mandatory,
            "accept": list(self.accept),
            "max_mb": self.max_mb,
            "stage": self.stage,
            "uploaded_by": self.uploaded_by,
            "applicant_kinds": list(self.applicant_kinds),
        }


@dataclass(frozen=True)
class FactRef:
    """A rule value read from another fact, plus an integer offset."""

    fact: str
    add: int = 0

    def to_dict(self) -> JSON:
        return {"fact": self.fact, "add": self.add}


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str
    value: Any = None
    label: Text | None = None
    ref: str | None = None

    def to_dict(self) -> JSON:
        data: JSON = {"fact": self.fact, "op": self.op}
        if self.value is not None:
            data["value"] = json_value(self.value)
        if self.label is not None:
            data["label"] = self.label.to_dict()
        if self.ref is not None:
            data["ref"] = self.ref
        return data


@dataclass(frozen=True)
class AllOf:
    items: tuple[Check, ...]

    def to_dict(self) -> JSON:
        return {"all": [c.to_dict() for c in self.items]}


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Check, ...]

    def to_dict(self) -> JSON:
        return {"any": [c.to_dict() for c in self.items]}


@dataclass(frozen=True)
class Not:
    item: Check

    def to_dict(self) -> JSON:
        return {"not": self.item.to_dict()}


Check = Condition | AllOf | AnyOf | Not


@dataclass(frozen=True)
class Rule:
    key: str
    message: Text
    check: Check
    blocking: bool = True
    hint: Text | None = None

    def to_dict(self) -> JSON:
        return {
            "key": self.key,
            "message": self.message.to_dict(),
            "hint": opt(self.hint),
            "blocking": self.blocking,
            "check": self.check.to_dict(),
        }


@dataclass(frozen=True)
class Window:
    opens: date
    closes: date

    def contains(self, day: date) -> bool:
        return self.opens <= day <= self.closes

    def to_dict(self) -> JSON:
        return {"opens": self.opens.isoformat(), "closes": self.closes.isoformat()}


@dataclass(frozen=True)
class FiscalYear:
    """Which date's year picks the budget year, and how a school year is counted."""

    basis: str = "window_opens"
    carry_over: bool = False
    school_year_start_month: int | None = None

    def school_year(self, day: date) -> str:
        """The school year containing ``day``, e.g. "2026/2027" (scope of school_year repeats)."""
        start = self.school_year_start_month or 7
        first = day.year if day.month >= start else day.year - 1
        return f"{first}/{first + 1}"

    def to_dict(self) -> JSON:
        return {
            "basis": self.basis,
            "carry_over": self.carry_over,
            "school_year_start_month": self.school_year_start_month,
        }


@dataclass(frozen=True)
class Tranche:
    key: str
    label: Text
    percent: int | None = None
    amount: int | None = None
    paid_at: str | None = None

    def to_dict(self) -> JSON:
        return {
            "key": self.key,
            "label": self.label.to_dict(),
            "percent": self.percent,
            "amount": self.amount,
            "paid_at": self.paid_at,
        }


@dataclass(frozen=True)
class LoanTerms:
    annual_interest_percent: int | float
    grace_months: int
    term_months: int

    def to_dict(self) -> JSON:
        return {
            "annual_interest_percent": self.annual_interest_percent,
            "grace_months": self.grace_months,
            "term_months": self.term_months,
        }


@dataclass(frozen=True)
class Funding:
    mechanism: str
    tranches: tuple[Tranche, ...] = ()
    loan: LoanTerms | None = None

    def split(self, total: int) -> list[tuple[str, int]]:
        """Rupiah per tranche for ``total``; the last percent tranche takes the rounding rest."""
        if not self.tranches:
            return [("full", total)]
        if self.tranches[0].amount is not None:
            return [(t.key, t.amount or 0) for t in self.tranches]
        parts = [(t.key, total * (t.percent or 0) // 100) for t in self.tranches]
        rest = total - sum(p for _, p in parts)
        key, last = parts[-1]
        return [*parts[:-1], (key, last + rest)]

    def to_dict(self) -> JSON:
        return {
            "mechanism": self.mechanism,
            "tranches": [t.to_dict() for t in self.tranches],
            "loan": opt(self.loan),
        }


@dataclass(frozen=True)
class Amount:
    """How much one application receives, in whole rupiah."""

    rule: str
    value: int | None = None
    level_fact: str | None = None
    levels: tuple[tuple[str, int], ...] = ()
    min: int | None = None
    max: int | None = None

    def for_level(self, level: str) -> int | None:
        return dict(self.levels).get(level)

    def to_dict(self) -> JSON:
        return {
            "rule": self.rule,
            "value": self.value,
            "level_fact": self.level_fact,
            "levels": dict(self.levels) if self.rule == "per_level" else None,
            "min": self.min,
            "max": self.max,
        }


@dataclass(frozen=True)
class Budget:
    ceilings: tuple[tuple[int, int], ...]

    def ceiling(self, fiscal_year: int) -> int | None:
        return dict(self.ceilings).get(fiscal_year)

    def to_dict(self) -> JSON:
        return {"ceilings": {str(year): amount for year, amount in self.ceilings}}


@dataclass(frozen=True)
class Quota:
    per: str
    default: int
    overrides: tuple[tuple[str, int], ...] = ()

    def for_area(self, code: str) -> int:
        return dict(self.overrides).get(code, self.default)

    def to_dict(self) -> JSON:
        return {"per": self.per, "default": self.default, "overrides": dict(self.overrides)}


@dataclass(frozen=True)
class OncePer:
    """Repeat limit: one application per identifier within a scope, or (scope ``awarded``) no
    earlier award of this program, or of any program of ``group``, within ``within_years``."""

    identifier: str
    scope: str
    blocking: bool = True
    within_years: int | None = None
    group: str | None = None

    @property
    def counts_awards(self) -> bool:
        return self.scope == "awarded"

    def to_dict(self) -> JSON:
        data: JSON = {"identifier": self.identifier, "scope": self.scope,
                      "blocking": self.blocking}
        if self.counts_awards:
            data.update(within_years=self.within_years, group=self.group)
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


WITHDRAW_LABEL = Text(id="Tarik usulan", en="Withdraw")


@dataclass(frozen=True)
class ProgramDefinition:
    key: str
    version: int
    name: Text
    purpose: Text
    agencies: tuple[str, ...]
    applicant_kinds: tuple[str, ...]
    form: Form
    window: Window
    fiscal_year: FiscalYear
    funding: Funding
    amount: Amount
    budget: Budget
    initial_stage: str
    stages: tuple[Stage, ...]
    transitions: tuple[Transition, ...]
    documents: tuple[DocumentRequirement, ...] = ()
    eligibility: tuple[Rule, ...] = ()
    quota: Quota | None = None
    once_per: tuple[OncePer, ...] = ()
    #: program groups (``groups: [housing]``) a repeat limit of any program may count
    groups: tuple[str, ...] = ()
    withdrawal: Withdrawal | None = None

    @cached_property
    def _stages(self) -> dict[str, Stage]:
        return {s.key: s for s in self.stages}

    def stage(self, key: str) -> Stage:
        """The stage with ``key``; ``KeyError`` when there is none."""
        return self._stages[key]

    def has_stage(self, key: str) -> bool:
        return key in self._stages

    def document(self, doc_type: str) -> DocumentRequirement | None:
        return next((d for d in self.documents if d.type == doc_type), None)

    def withdraw_transition(self, stage_key: str) -> Transition | None:
        stage = self._stages.get(stage_key)
        if self.withdrawal is None or stage is None or stage.terminal:
            return None
        if WITHDRAW not in stage.applicant_may:
            return None
        return Transition(
            from_stage=stage_key,
            action=WITHDRAW,
            to=self.withdrawal.to,
            label=WITHDRAW_LABEL,
            roles=("applicant",),
            reason_required=self.withdrawal.reason_required,
            effects=self.withdrawal.effects,
        )

    def transitions_from(self, stage_key: str) -> tuple[Transition, ...]:
        """Declared transitions from a stage, plus the implicit withdrawal where allowed."""
        declared = tuple(t for t in self.transitions if t.from_stage == stage_key)
        withdraw = self.withdraw_transition(stage_key)
        return declared if withdraw is None else (*declared, withdraw)

    def find_transition(self, stage_key: str, action: str) -> Transition | None:
        return next((t for t in self.transitions_from(stage_key) if t.action == action), None)

    @cached_property
    def revision_stages(self) -> frozenset[str]:
        """Stages that send the application back to whichever stage returned it."""
        return frozenset(t.from_stage for t in self.transitions if t.returns_to_sender)

    def budget_year(
        self,
        *,
        window_opens: date | None = None,
        submitted_on: date | None = None,
        decided_on: date | None = None,
    ) -> int | None:
        """The fiscal year whose ceiling an application draws on, per ``fiscal_year.basis``.

        ``window_opens`` is the admin-managed period's opening, defaulting to the definition's.
        None when the date the basis needs is not known yet (e.g. not decided).
        """
        day = {
            "window_opens": window_opens or self.window.opens,
            "submitted": submitted_on,
            "decided": decided_on,
        }[self.fiscal_year.basis]
        return None if day is None else day.year

    def to_dict(self) -> JSON:
        return {
            "key": self.key,
            "version": self.version,
            "name": self.name.to_dict(),
            "purpose": self.purpose.to_dict(),
            "agencies": list(self.agencies),
            "applicant_kinds": list(self.applicant_kinds),
            "form": self.form.to_dict(),
            "window": self.window.to_dict(),
            "fiscal_year": self.fiscal_year.to_dict(),
            "funding": self.funding.to_dict(),
            "amount": self.amount.to_dict(),
            "budget": self.budget.to_dict(),
            "quota": opt(self.quota),
            "once_per": [o.to_dict() for o in self.once_per],
            "groups": list(self.groups),
            "documents": [d.to_dict() for d in self.documents],
            "eligibility": [r.to_dict() for r in self.eligibility],
            "initial_stage": self.initial_stage,
            "stages": [s.to_dict() for s in self.stages],
            "transitions": [t.to_dict() for t in self.transitions],
            "withdrawal": opt(self.withdrawal),
        }

    def canonical_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def digest(self) -> str:
        """SHA-256 hex of the canonical JSON: identifies this exact definition version."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()
