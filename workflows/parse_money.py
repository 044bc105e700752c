"""Parsing the money sections of a definition: ``funding`` (mechanism, tranches, loan terms),
``amount`` (fixed, per level, range), ``budget`` (ceilings per year) and ``quota``."""

from __future__ import annotations

import re
from typing import Any

from . import constants as c
from ._reader import Reader, join, show
from .model import Amount, Budget, Funding, LoanTerms, Quota, Tranche
from .parse_rules import parse_fact_name

AREA_CODES = {
    "kecamatan": re.compile(r"^36\.03\.\d{2}$"),
    "desa": re.compile(r"^36\.03\.\d{2}\.[12]\d{3}$"),
}


def parse_funding(r: Reader, value: Any) -> Funding | None:
    data = r.mapping(value, "funding", ("mechanism",), ("tranches", "loan"))
    if data is None:
        return None
    mechanism = r.choice(data.get("mechanism"), "funding.mechanism", c.MECHANISMS, "mechanism")
    tranches = _tranches(r, data.get("tranches"), mechanism)
    loan = _loan(r, data.get("loan"), mechanism)
    if mechanism is None or tranches is None:
        return None
    return Funding(mechanism, tranches, loan)


def _tranches(r: Reader, value: Any, mechanism: str | None) -> tuple[Tranche, ...] | None:
    path = "funding.tranches"
    needs = mechanism in ("grant_tranches", "incentive_instalments")
    items = r.sequence(value, path, required=needs)
    tranches = [_tranche(r, item, join(path, i)) for i, item in enumerate(items)]
    r.unique([(join(path, i), t.key) for i, t in enumerate(tranches) if t], "tranche key")
    if any(t is None for t in tranches):
        return None
    kinds = {t.percent is not None for t in tranches if t}
    if len(kinds) > 1:
        r.error(path, "give every tranche a percent, or every tranche an amount, not a mix")
        return None
    percents = [t.percent for t in tranches if t and t.percent is not None]
    if percents and sum(percents) != 100:
        r.error(path, f"tranche percents add up to {sum(percents)}, must be 100")
        return None
    return tuple(t for t in tranches if t)


def _tranche(r: Reader, value: Any, path: str) -> Tranche | None:
    data = r.mapping(value, path, ("key", "label"), ("percent", "amount", "paid_at"))
    if data is None:
        return None
    key = r.key(data.get("key"), join(path, "key"))
    label = r.text(data.get("label"), join(path, "label"))
    percent, amount = data.get("percent"), data.get("amount")
    if (percent is None) == (amount is None):
        r.error(path, "give either percent or amount (exactly one)")
        return None
    if percent is not None:
        percent = r.integer(percent, join(path, "percent"), minimum=1, maximum=100)
    if amount is not None:
        amount = r.money(amount, join(path, "amount"))
    paid_at = data.get("paid_at")
    if paid_at is not None:
        paid_at = r.key(paid_at, join(path, "paid_at"))
    if key is None or label is None or (percent is None and amount is None):
        return None
    return Tranche(key, label, percent, amount, paid_at)


def _loan(r: Reader, value: Any, mechanism: str | None) -> LoanTerms | None:
    if mechanism == "revolving_loan" and value is None:
        r.error("funding.loan", "a revolving loan needs loan terms")
        return None
    if value is None:
        return None
    if mechanism != "revolving_loan":
        r.error("funding.loan", "loan terms only apply to mechanism 'revolving_loan'")
        return None
    fields = ("annual_interest_percent", "grace_months", "term_months")
    data = r.mapping(value, "funding.loan", fields)
    if data is None:
        return None
    rate = r.number(data.get("annual_interest_percent"), "funding.loan.annual_interest_percent", 0)
    grace = r.integer(data.get("grace_months"), "funding.loan.grace_months", minimum=0)
    term = r.integer(data.get("term_months"), "funding.loan.term_months", minimum=1)
    if rate is None or grace is None or term is None:
        return None
    if grace >= term:
        r.error("funding.loan.grace_months", f"grace ({grace}) must be shorter than term ({term})")
        return None
    return LoanTerms(rate, grace, term)


_AMOUNT_FIELDS = {
    "fixed": ("value",),
    "per_level": ("level_fact", "levels"),
    "range": ("min", "max"),
}


def parse_amount(r: Reader, value: Any) -> Amount | None:
    optional = ("value", "level_fact", "levels", "min", "max")
    data = r.mapping(value, "amount", ("rule",), optional)
    if data is None:
        return None
    rule = r.choice(data.get("rule"), "amount.rule", c.AMOUNT_RULES, "amount rule")
    if rule is None:
        return None
    for name in optional:
        if name not in _AMOUNT_FIELDS[rule] and data.get(name) is not None:
            r.error(join("amount", name), f"not used with amount rule '{rule}'")
    for name in _AMOUNT_FIELDS[rule]:
        if data.get(name) is None:
            r.error(join("amount", name), f"required with amount rule '{rule}'")
    if rule == "fixed":
        return _fixed(r, data)
    if rule == "per_level":
        return _per_level(r, data)
    return _range(r, data)


def _fixed(r: Reader, data: dict[str, Any]) -> Amount | None:
    if data.get("value") is None:
        return None
    value = r.money(data["value"], "amount.value")
    return None if value is None else Amount("fixed", value=value)


def _per_level(r: Reader, data: dict[str, Any]) -> Amount | None:
    if data.get("levels") is None or data.get("level_fact") is None:
        return None
    fact = parse_fact_name(r, data["level_fact"], "amount.level_fact")
    levels = r.mapping(data["levels"], "amount.levels")
    if levels is None or fact is None:
        return None
    if not levels:
        r.error("amount.levels", "must name at least one level")
        return None
    parsed = {str(k): r.money(v, join("amount.levels", str(k))) for k, v in levels.items()}
    if any(v is None for v in parsed.values()):
        return None
    return Amount("per_level", level_fact=fact, levels=tuple(sorted(parsed.items())))


def _range(r: Reader, data: dict[str, Any]) -> Amount | None:
    if data.get("min") is None or data.get("max") is None:
        return None
    low = r.money(data["min"], "amount.min")
    high = r.money(data["max"], "amount.max")
    if low is None or high is None:
        return None
    if low > high:
        r.error("amount.min", f"min ({low}) is more than max ({high})")
        return None
    return Amount("range", min=low, max=high)


def _year(r: Reader, value: Any, path: str) -> int | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return r.integer(value, path, minimum=2000, maximum=2100)


def parse_budget(r: Reader, value: Any) -> Budget | None:
    data = r.mapping(value, "budget", ("ceilings",))
    if data is None or data.get("ceilings") is None:
        return None
    ceilings = r.mapping(data["ceilings"], "budget.ceilings")
    if ceilings is None:
        return None
    if not ceilings:
        r.error("budget.ceilings", "give the ceiling of at least one fiscal year")
        return None
    pairs = []
    for year, amount in ceilings.items():
        path = join("budget.ceilings", str(year))
        pairs.append((_year(r, year, path), r.money(amount, path)))
    if any(y is None or a is None for y, a in pairs):
        return None
    return Budget(tuple(sorted(pairs)))


def parse_quota(r: Reader, value: Any) -> Quota | None:
    if value is None:
        return None
    data = r.mapping(value, "quota", ("per", "default"), ("overrides",))
    if data is None:
        return None
    per = r.choice(data.get("per"), "quota.per", c.QUOTA_LEVELS, "quota level")
    default = r.integer(data.get("default"), "quota.default", minimum=1)
    overrides = r.mapping(data.get("overrides") or {}, "quota.overrides") or {}
    pairs = [_override(r, code, n, per) for code, n in overrides.items()]
    if per is None or default is None or any(p is None for p in pairs):
        return None
    return Quota(per, default, tuple(sorted(p for p in pairs if p)))


def _override(r: Reader, code: Any, count: Any, per: str | None) -> tuple[str, int] | None:
    path = join("quota.overrides", str(code))
    if per is not None and not (isinstance(code, str) and AREA_CODES[per].match(code)):
        r.error(path, f"{show(code)} is not a {per} code of the regency (e.g. 36.03.01...)")
        return None
    n = r.integer(count, path, minimum=0)
    return None if n is None else (str(code), n)
