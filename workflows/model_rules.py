"""The rules of a definition as data: eligibility checks (conditions combined with all/any/not)
and repeat limits (``once_per``). ``rules.py`` evaluates them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .text import JSON, Text, json_value, opt


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
