"""Immutable program definitions and their canonical serialisation.

Every class here is a frozen dataclass built only from hashable values (tuples, not lists or
dicts), so two definitions compare equal exactly when their data are equal. ``to_dict()`` returns
plain JSON data in the same shape as the YAML files; ``parse_definition(d.to_dict()) == d``.

This module holds the definition itself; its parts live by schema section in ``model_flow``,
``model_money``, ``model_rules``, ``form_model`` and ``text`` and are re-exported here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from .constants import WITHDRAW
from .form_model import Form
from .model_flow import (
    WITHDRAW_LABEL,
    Agreement,
    DocumentRequirement,
    FieldSpec,
    Stage,
    Transition,
    Withdrawal,
)
from .model_money import Amount, Budget, Funding, LoanTerms, Quota, Tranche
from .model_nomination import Nomination
from .model_rules import AllOf, AnyOf, Check, Condition, FactRef, Not, OncePer, Rule
from .text import JSON, Choice, Text, opt

__all__ = [
    "Agreement",
    "AllOf",
    "Amount",
    "AnyOf",
    "Budget",
    "Check",
    "Choice",
    "Condition",
    "DocumentRequirement",
    "FactRef",
    "FieldSpec",
    "FiscalYear",
    "Funding",
    "JSON",
    "LoanTerms",
    "Not",
    "OncePer",
    "ProgramDefinition",
    "Quota",
    "Rule",
    "Stage",
    "Text",
    "Tranche",
    "Transition",
    "WITHDRAW_LABEL",
    "Window",
    "Withdrawal",
]


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
    agreements: tuple[Agreement, ...] = ()
    #: proposed by an operator (``nomination:``); None: people apply themselves
    nomination: Nomination | None = None

    @cached_property
    def _stages(self) -> dict[str, Stage]:
        return {s.key: s for s in self.stages}

    def stage(self, key: str) -> Stage:
        """The stage with ``key``; ``KeyError`` when there is none."""
        return self._stages[key]

    def has_stage(self, key: str) -> bool:
        return key in self._stages

    def agreement(self, key: str) -> Agreement | None:
        return next((a for a in self.agreements if a.key == key), None)

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
            # only when declared, so definitions without agreements keep their digests
            **({"agreements": [a.to_dict() for a in self.agreements]} if self.agreements else {}),
            # only when declared, so definitions without it keep their digest
            **({"nomination": self.nomination.to_dict()} if self.nomination else {}),
        }

    def refuses_self_application(self) -> bool:
        return self.nomination is not None and not self.nomination.self_application

    def canonical_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def digest(self) -> str:
        """SHA-256 hex of the canonical JSON: identifies this exact definition version."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()
