"""Parsing of eligibility rules: data only, checked against the operator table."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from ._reader import ISO_DATE, Reader, join, kind_of, show
from .facts import FACT_NAME, FACT_ROOTS
from .model import AllOf, AnyOf, Check, Condition, FactRef, Not, Rule
from .rules import OPERATORS

MAX_DEPTH = 8
COMBINATORS = ("all", "any", "not")
ELAPSED_OPS = ("years_since_gte", "months_since_gte")


def parse_rules(r: Reader, value: Any, path: str) -> tuple[Rule, ...]:
    rules = [parse_rule(r, item, join(path, i)) for i, item in enumerate(r.sequence(value, path))]
    keyed = [(join(path, i), rule.key) for i, rule in enumerate(rules) if rule is not None]
    r.unique(keyed, "rule key")
    return tuple(rule for rule in rules if rule is not None)


def parse_rule(r: Reader, value: Any, path: str) -> Rule | None:
    data = r.mapping(value, path, ("key", "message", "check"), ("hint", "blocking"))
    if data is None:
        return None
    key = r.key(data.get("key"), join(path, "key"))
    message = r.text(data.get("message"), join(path, "message"))
    hint = r.optional_text(data.get("hint"), join(path, "hint"))
    blocking = r.boolean(data.get("blocking"), join(path, "blocking"), True)
    check = parse_check(r, data.get("check"), join(path, "check"))
    if key is None or message is None or check is None:
        return None
    return Rule(key=key, message=message, check=check, blocking=blocking, hint=hint)


def parse_check(r: Reader, value: Any, path: str, depth: int = 0) -> Check | None:
    if depth > MAX_DEPTH:
        r.error(path, f"rule nested more than {MAX_DEPTH} levels deep")
        return None
    if not isinstance(value, dict):
        r.error(path, f"a check must be a mapping, got {kind_of(value)}")
        return None
    present = [c for c in COMBINATORS if c in value]
    if not present:
        return _condition(r, value, path)
    if len(value) != 1:
        r.error(path, "a combinator (all, any, not) must be the only key of its mapping")
        return None
    name = present[0]
    inner = join(path, name)
    if name == "not":
        item = parse_check(r, value[name], inner, depth + 1)
        return None if item is None else Not(item)
    items = [
        parse_check(r, v, join(inner, i), depth + 1)
        for i, v in enumerate(r.sequence(value[name], inner, required=True))
    ]
    if any(i is None for i in items) or not items:
        return None
    return AllOf(tuple(items)) if name == "all" else AnyOf(tuple(items))


def parse_fact_name(r: Reader, value: Any, path: str) -> str | None:
    if not isinstance(value, str) or not FACT_NAME.match(value):
        r.error(path, f"not a fact name: {show(value)} (expected dotted lower-case words)")
        return None
    root = value.split(".")[0]
    if root not in FACT_ROOTS:
        roots = ", ".join(sorted(FACT_ROOTS))
        r.error(path, f"unknown fact {value!r}; facts start with one of: {roots}")
        return None
    return value


def _condition(r: Reader, data: dict[str, Any], path: str) -> Condition | None:
    if r.mapping(data, path, ("fact", "op"), ("value", "label", "ref")) is None:
        return None
    fact = parse_fact_name(r, data.get("fact"), join(path, "fact"))
    op = data.get("op")
    if op is not None:
        op = r.choice(op, join(path, "op"), OPERATORS, "rule operator")
    label = r.optional_text(data.get("label"), join(path, "label"))
    ref = _ref(r, data.get("ref"), op, join(path, "ref"))
    if op is None:
        return None
    ok, value = _value(r, data.get("value"), OPERATORS[op], op, join(path, "value"))
    if fact is None or not ok:
        return None
    return Condition(fact=fact, op=op, value=value, label=label, ref=ref)


def _ref(r: Reader, value: Any, op: str | None, path: str) -> str | None:
    if value is None:
        return None
    if op not in ELAPSED_OPS:
        r.error(path, f"'ref' (reference date) only applies to {', '.join(ELAPSED_OPS)}")
        return None
    return parse_fact_name(r, value, path)


def _scalar(r: Reader, value: Any, path: str) -> tuple[bool, Any]:
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return True, date.fromisoformat(value)
        except ValueError:
            return True, value
    if isinstance(value, float) and not math.isfinite(value):
        r.error(path, "must be a finite number")
        return False, None
    if isinstance(value, str | int | float | bool | date):
        return True, value
    r.error(path, f"must be text, a number, true/false or a date, got {kind_of(value)}")
    return False, None


def _fact_ref(r: Reader, value: dict[str, Any], path: str) -> tuple[bool, Any]:
    data = r.mapping(value, path, ("fact",), ("add",))
    if data is None:
        return False, None
    fact = parse_fact_name(r, data.get("fact"), join(path, "fact"))
    add = 0 if data.get("add") is None else r.integer(data.get("add"), join(path, "add"))
    if fact is None or add is None:
        return False, None
    return True, FactRef(fact, add)


def _ordered(r: Reader, value: Any, path: str) -> tuple[bool, Any]:
    ok, parsed = _scalar(r, value, path)
    if not ok:
        return False, None
    if isinstance(parsed, bool) or not isinstance(parsed, int | float | date):
        r.error(path, f"must be a number or a date, got {show(value)}")
        return False, None
    return True, parsed


def _pair(r: Reader, value: Any, path: str) -> tuple[bool, Any]:
    if not isinstance(value, list) or len(value) != 2:
        r.error(path, f"must be a list of two bounds [low, high], got {show(value)}")
        return False, None
    low_ok, low = _ordered(r, value[0], join(path, 0))
    high_ok, high = _ordered(r, value[1], join(path, 1))
    if not (low_ok and high_ok):
        return False, None
    if isinstance(low, date) != isinstance(high, date):
        r.error(path, "both bounds must be numbers or both dates")
        return False, None
    if low > high:
        r.error(path, f"low bound {low} is above high bound {high}")
        return False, None
    return True, (low, high)


def _value(r: Reader, value: Any, kind: str, op: str, path: str) -> tuple[bool, Any]:
    if kind == "none":
        if value is not None:
            r.error(path, f"operator '{op}' takes no value")
            return False, None
        return True, None
    if value is None:
        r.error(path, f"operator '{op}' needs a value")
        return False, None
    if isinstance(value, dict) and kind in ("scalar", "ordered"):
        return _fact_ref(r, value, path)
    return _VALUE_READERS[kind](r, value, path, op)


def _read_scalar(r: Reader, value: Any, path: str, op: str) -> tuple[bool, Any]:
    return _scalar(r, value, path)


def _read_ordered(r: Reader, value: Any, path: str, op: str) -> tuple[bool, Any]:
    return _ordered(r, value, path)


def _read_pair(r: Reader, value: Any, path: str, op: str) -> tuple[bool, Any]:
    return _pair(r, value, path)


def _read_list(r: Reader, value: Any, path: str, op: str) -> tuple[bool, Any]:
    if not isinstance(value, list) or not value:
        r.error(path, f"operator '{op}' needs a non-empty list, got {show(value)}")
        return False, None
    parsed = [_scalar(r, v, join(path, i)) for i, v in enumerate(value)]
    if not all(ok for ok, _ in parsed):
        return False, None
    return True, tuple(v for _, v in parsed)


def _read_string(r: Reader, value: Any, path: str, op: str) -> tuple[bool, Any]:
    if not isinstance(value, str) or not value:
        r.error(path, f"operator '{op}' needs text, got {show(value)}")
        return False, None
    return True, value


def _read_count(r: Reader, value: Any, path: str, op: str) -> tuple[bool, Any]:
    count = r.integer(value, path, minimum=0)
    return count is not None, count


_VALUE_READERS = {
    "scalar": _read_scalar,
    "ordered": _read_ordered,
    "pair": _read_pair,
    "list": _read_list,
    "string": _read_string,
    "count": _read_count,
}
