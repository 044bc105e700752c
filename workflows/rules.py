"""Declarative eligibility rules: evaluated over a mapping of facts, never ``eval``.

Each rule gives "pass", "fail" or "unknown" (a fact is missing or has a type the check cannot
compare) and a reason in Indonesian and English that states the actual value and the requirement,
e.g. "Jumlah santri: 8, minimal 10" / "Pupils: 8, at least 10". Evaluation never raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .facts import fact_label, is_missing, lookup
from .model import AllOf, Check, Condition, FactRef, Not, Rule, Text
from .rule_values import Unknown, as_date, as_number, both, fmt, like, ordered_pair, req

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"

# Operator name -> kind of value it takes (checked when a definition is parsed).
OPERATORS: dict[str, str] = {
    "eq": "scalar",
    "ne": "scalar",
    "in": "list",
    "not_in": "list",
    "gt": "ordered",
    "gte": "ordered",
    "lt": "ordered",
    "lte": "ordered",
    "between": "pair",
    "exists": "none",
    "is_true": "none",
    "is_false": "none",
    "startswith": "string",
    "years_since_gte": "count",
    "months_since_gte": "count",
    "len_gte": "count",
}


@dataclass(frozen=True)
class RuleResult:
    key: str
    outcome: str
    blocking: bool
    message: dict[str, str]
    reason: dict[str, str]
    hint: dict[str, str] | None = None

    @property
    def passed(self) -> bool:
        return self.outcome == PASS

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (what ``dataclasses.asdict`` gives, without its deep-copy cost)."""
        return {
            "key": self.key,
            "outcome": self.outcome,
            "blocking": self.blocking,
            "message": dict(self.message),
            "reason": dict(self.reason),
            "hint": None if self.hint is None else dict(self.hint),
        }


def evaluate_rules(rules: Sequence[Rule], facts: Mapping[str, Any]) -> list[RuleResult]:
    """Evaluate every rule; the order of the results is the order of the rules."""
    return [evaluate_rule(rule, facts) for rule in rules]


def evaluate_rule(rule: Rule, facts: Mapping[str, Any]) -> RuleResult:
    outcome, reason = evaluate_check(rule.check, facts)
    return RuleResult(
        key=rule.key,
        outcome=outcome,
        blocking=rule.blocking,
        message=rule.message.to_dict(),
        reason=reason.to_dict(),
        hint=rule.hint.to_dict() if rule.hint else None,
    )


def eligibility_ok(results: Sequence[RuleResult]) -> bool:
    """True when every blocking rule passed (an unknown blocking rule is not a pass)."""
    return all(r.outcome == PASS for r in results if r.blocking)


def evaluate_check(check: Check, facts: Mapping[str, Any]) -> tuple[str, Text]:
    if isinstance(check, Condition):
        return _condition(check, facts)
    if isinstance(check, Not):
        outcome, reason = evaluate_check(check.item, facts)
        flipped = {PASS: FAIL, FAIL: PASS}.get(outcome, UNKNOWN)
        return flipped, Text(f"bukan ({reason.id})", f"not ({reason.en})")
    results = [evaluate_check(c, facts) for c in check.items]
    if isinstance(check, AllOf):
        return _combine(results, decisive=FAIL, otherwise=PASS, joiner=("; ", "; "))
    return _combine(results, decisive=PASS, otherwise=FAIL, joiner=(" atau ", " or "))


def _combine(
    results: list[tuple[str, Text]], *, decisive: str, otherwise: str, joiner: tuple[str, str]
) -> tuple[str, Text]:
    outcomes = {o for o, _ in results}
    if decisive in outcomes:
        outcome = decisive
    elif UNKNOWN in outcomes:
        outcome = UNKNOWN
    else:
        outcome = otherwise
    shown = [r for o, r in results if o == outcome] or [r for _, r in results]
    return outcome, Text(joiner[0].join(r.id for r in shown), joiner[1].join(r.en for r in shown))


def _condition(cond: Condition, facts: Mapping[str, Any]) -> tuple[str, Text]:
    label = cond.label or fact_label(cond.fact)
    actual = lookup(facts, cond.fact)
    if cond.op == "exists":
        return _exists(label, actual)
    if is_missing(actual):
        return UNKNOWN, _missing_reason(label, cond.fact)
    try:
        expected, note = _expected(cond, facts)
        ok, shown, requirement = _OPS[cond.op](actual, expected, cond, facts)
    except Unknown as exc:
        return UNKNOWN, _not_comparable(label, actual, exc)
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return UNKNOWN, _not_comparable(label, actual, Unknown("nilai tidak wajar", "odd value"))
    requirement = Text(requirement.id + note.id, requirement.en + note.en)
    reason = Text(
        f"{label.id}: {shown.id}, {requirement.id}", f"{label.en}: {shown.en}, {requirement.en}"
    )
    return (PASS if ok else FAIL), reason


def _missing_reason(label: Text, fact: str) -> Text:
    return Text(f"Data {label.id} belum tersedia ({fact})", f"{label.en} is not available ({fact})")


def _not_comparable(label: Text, actual: Any, exc: Unknown) -> Text:
    return Text(
        f"{label.id}: {fmt(actual, 'id')} tidak dapat diperiksa ({exc.text.id})",
        f"{label.en}: {fmt(actual, 'en')} cannot be checked ({exc.text.en})",
    )


def _exists(label: Text, actual: Any) -> tuple[str, Text]:
    present = not (is_missing(actual) or _blank(actual))
    shown = Text("ada", "present") if present else Text("kosong", "missing")
    return (PASS if present else FAIL), Text(
        f"{label.id}: {shown.id}, wajib ada", f"{label.en}: {shown.en}, required"
    )


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | set | frozenset | dict) and not value


def _expected(cond: Condition, facts: Mapping[str, Any]) -> tuple[Any, Text]:
    """The comparison value, resolving a fact reference; plus a note naming the reference."""
    if not isinstance(cond.value, FactRef):
        return cond.value, Text("", "")
    ref = cond.value
    base = lookup(facts, ref.fact)
    label = fact_label(ref.fact)
    if is_missing(base):
        raise Unknown(f"data {label.id} belum tersedia", f"{label.en} is not available")
    if ref.add:
        base = as_number(base)
        if base is None:
            raise Unknown(f"{label.id} bukan angka", f"{label.en} is not a number")
        base += ref.add
    sign = f" {'+' if ref.add > 0 else '-'} {abs(ref.add)}" if ref.add else ""
    return base, Text(f" ({label.id}{sign})", f" ({label.en}{sign})")


# --- operators ------------------------------------------------------------------------------

Outcome = tuple[bool, Text, Text]


def _eq(actual: Any, expected: Any, cond: Condition, facts: Mapping) -> Outcome:
    return (
        like(actual, expected) == expected,
        both(actual),
        req("harus {v}", "must be {v}", expected),
    )


def _ne(actual: Any, expected: Any, cond: Condition, facts: Mapping) -> Outcome:
    ok = like(actual, expected) != expected
    return ok, both(actual), req("tidak boleh {v}", "must not be {v}", expected)


def _member(actual: Any, expected: Sequence[Any]) -> bool:
    return any(like(actual, option) == option for option in expected)


def _in(actual: Any, expected: Any, cond: Condition, facts: Mapping) -> Outcome:
    requirement = req("harus salah satu dari: {v}", "must be one of: {v}", expected)
    return _member(actual, expected), both(actual), requirement


def _not_in(actual: Any, expected: Any, cond: Condition, facts: Mapping) -> Outcome:
    requirement = req("tidak boleh salah satu dari: {v}", "must not be one of: {v}", expected)
    return not _member(actual, expected), both(actual), requirement


def _comparison(check: Callable[[Any, Any], bool], id_: str, en: str) -> Callable[..., Outcome]:
    def operator(actual: Any, expected: Any, cond: Condition, facts: Mapping) -> Outcome:
        left, right = ordered_pair(actual, expected)
        return check(left, right), both(actual), req(id_, en, expected)

    return operator


def _between(actual: Any, expected: Any, cond: Condition, facts: Mapping) -> Outcome:
    low, high = expected
    left, lower = ordered_pair(actual, low)
    _, upper = ordered_pair(actual, high)
    requirement = Text(
        f"antara {fmt(low, 'id')} dan {fmt(high, 'id')}",
        f"between {fmt(low, 'en')} and {fmt(high, 'en')}",
    )
    return lower <= left <= upper, both(actual), requirement


def _boolean(wanted: bool) -> Callable[..., Outcome]:
    def operator(actual: Any, expected: Any, cond: Condition, facts: Mapping) -> Outcome:
        if not isinstance(actual, bool):
            raise Unknown("bukan ya/tidak", "not yes/no")
        return actual is wanted, both(actual), req("harus {v}", "must be {v}", wanted)

    return operator


def _startswith(actual: Any, expected: Any, cond: Condition, facts: Mapping) -> Outcome:
    if not isinstance(actual, str):
        raise Unknown("bukan teks", "not text")
    requirement = req("harus diawali {v}", "must start with {v}", expected)
    return actual.startswith(expected), both(actual), requirement


def _elapsed(unit: str) -> Callable[..., Outcome]:
    id_unit, en_unit = {"years": ("tahun", "year"), "months": ("bulan", "month")}[unit]

    def operator(actual: Any, expected: Any, cond: Condition, facts: Mapping) -> Outcome:
        since = as_date(actual)
        if since is None:
            raise Unknown("bukan tanggal", "not a date")
        ref_name = cond.ref or "today"
        reference = as_date(lookup(facts, ref_name))
        if reference is None:
            raise Unknown(
                f"tanggal acuan {ref_name} belum tersedia",
                f"reference date {ref_name} is not available",
            )
        count = _months_between(since, reference)
        count = count // 12 if unit == "years" else count
        shown = Text(
            f"{since.isoformat()} ({count} {id_unit})",
            f"{since.isoformat()} ({count} {_plural(en_unit, count)})",
        )
        requirement = Text(
            f"minimal {expected} {id_unit}", f"at least {expected} {_plural(en_unit, expected)}"
        )
        return count >= expected, shown, requirement

    return operator


def _plural(unit: str, count: int) -> str:
    return unit if count == 1 else f"{unit}s"


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _len_gte(actual: Any, expected: Any, cond: Condition, facts: Mapping) -> Outcome:
    if isinstance(actual, str):
        size = len(actual.strip())
    elif isinstance(actual, list | tuple | set | frozenset | Mapping):
        size = len(actual)
    else:
        raise Unknown("tidak memiliki panjang", "has no length")
    shown = Text(f"panjang {size}", f"length {size}")
    return size >= expected, shown, Text(f"minimal {expected}", f"at least {expected}")


_OPS: dict[str, Callable[..., Outcome]] = {
    "eq": _eq,
    "ne": _ne,
    "in": _in,
    "not_in": _not_in,
    "gt": _comparison(lambda a, b: a > b, "harus lebih dari {v}", "must be more than {v}"),
    "gte": _comparison(lambda a, b: a >= b, "minimal {v}", "at least {v}"),
    "lt": _comparison(lambda a, b: a < b, "harus kurang dari {v}", "must be less than {v}"),
    "lte": _comparison(lambda a, b: a <= b, "maksimal {v}", "at most {v}"),
    "between": _between,
    "is_true": _boolean(True),
    "is_false": _boolean(False),
    "startswith": _startswith,
    "years_since_gte": _elapsed("years"),
    "months_since_gte": _elapsed("months"),
    "len_gte": _len_gte,
}
assert set(_OPS) | {"exists"} == set(OPERATORS)
