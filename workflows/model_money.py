"""The money of a definition as data: funding (tranches, loan terms), the amount rule, the budget
ceilings and the quota."""

from __future__ import annotations

from dataclasses import dataclass

from .text import JSON, Text, opt


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
