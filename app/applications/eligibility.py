"""Eligibility: run the program's rules over the gathered facts and keep the basis for auditors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.applications import repeat_limits
from app.applications.facts import gather
from app.applications.models import Application
from app.applications.parties import Parties
from app.db import utcnow
from workflows import ProgramDefinition, evaluate_rules


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def assess(defn: ProgramDefinition, facts: dict[str, Any]) -> dict[str, Any]:
    """Evaluate every rule: the record kept on ``Application.eligibility`` for auditors
    (when, which definition, the facts read and each rule's result)."""
    return {
        "evaluated_dt": utcnow().isoformat(),
        "definition": f"{defn.key}@{defn.version}",
        "facts": _jsonable({k: v for k, v in facts.items() if k != "answers"}),
        "results": [r.to_dict() for r in evaluate_rules(defn.eligibility, facts)],
    }


def precheck(defn: ProgramDefinition, application: Application) -> list[dict]:
    """Evaluate without leaving a trace: what the applicant sees before filling in the form —
    the rules, then every repeat limit (with the date of an earlier award)."""
    parties = Parties.of(application)
    rules = evaluate_rules(defn.eligibility, gather(application, defn, parties))
    return [r.to_dict() for r in rules] + repeat_limits.evaluate(defn, application, parties)


def passed(results: list[dict]) -> bool:
    return all(r["outcome"] == "pass" or not r["blocking"] for r in results)
