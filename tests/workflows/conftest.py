"""Fixtures for the pure workflow tests: no Flask, no database."""

from __future__ import annotations

from collections import deque
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from app.agencies.seed import seed_agencies
from workflows import (
    Actor,
    FieldSpec,
    Plan,
    ProgramDefinition,
    Transition,
    TransitionContext,
    TransitionDenied,
    load_definition,
    load_definitions,
    plan_transition,
)

AGENCY_CODES = frozenset(seed_agencies())  # the seeded agencies (agencies are data)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def definitions() -> dict[str, ProgramDefinition]:
    return load_definitions(known_agencies=AGENCY_CODES)


@pytest.fixture(scope="session")
def pakumis() -> ProgramDefinition:
    return load_definition(FIXTURES / "pakumis.yaml", known_agencies=AGENCY_CODES | {"DPRKPP"})


@pytest.fixture(scope="session")
def sanitren(definitions: dict[str, ProgramDefinition]) -> ProgramDefinition:
    return definitions["sanitren"]


def good_facts(defn: ProgramDefinition, **overrides: Any) -> dict[str, Any]:
    """Facts under which every shipped guard allows the transition."""
    facts = {
        "today": defn.window.opens,
        "fiscal_year": defn.window.opens.year,
        "applicant_kind": defn.applicant_kinds[0],
        "eligibility_ok": True,
        "blocking_duplicates": [],
        "bank_account_confirmed": True,
        "budget_available": True,
        "quota_available": True,
        "loan_repaid": True,
    }
    facts.update(overrides)
    return facts


def sample_value(spec: FieldSpec, today: date) -> Any:
    """A valid value for a required field."""
    if spec.type == "date":
        return today + timedelta(days=14) if spec.name == "deadline" else today
    if spec.type in ("number", "score"):
        return spec.min if spec.min is not None else (spec.max if spec.max is not None else 1)
    if spec.type == "money":
        return spec.min if spec.min else 1_000_000
    samples: dict[str, Any] = {
        "text": "catatan pemeriksa",
        "boolean": True,
        "choice": spec.items[0].key if spec.items else None,
        "checklist": {item.key: True for item in spec.items},
        "photo_geo": {"lat": -6.19, "lon": 106.47},
    }
    return samples[spec.type]


def sample_fields(transition: Transition, today: date) -> dict[str, Any]:
    fields = {}
    for spec in transition.requires_fields:
        fields[spec.name] = sample_value(spec, today)
        if spec.justification:
            fields[f"{spec.name}_justification"] = "sesuai hasil kunjungan"
    return fields


def actor_for(defn: ProgramDefinition, transition: Transition) -> Actor:
    """The natural actor for a transition: the applicant, or staff at the stage's agency."""
    if "applicant" in transition.roles:
        return Actor(user_id=10, is_applicant=True)
    stage = defn.stage(transition.from_stage)
    role = transition.roles[0]
    if stage.actor == "agency":
        return Actor(user_id=20, roles=frozenset({(role, stage.agency)}))
    return Actor(user_id=30, roles=frozenset({(role, None)}), nominated=True)


def fire(
    defn: ProgramDefinition,
    stage: str,
    action: str,
    *,
    actor: Actor | None = None,
    returned_from: str | None = None,
    facts: dict[str, Any] | None = None,
    **overrides: Any,
) -> Plan:
    """Plan ``action`` with everything the transition needs, unless overridden."""
    transition = defn.find_transition(stage, action)
    assert transition is not None, f"{defn.key}: no {action} at {stage}"
    facts = good_facts(defn) if facts is None else facts
    context = {
        "stage": stage,
        "returned_from": returned_from,
        "reason": "alasan tertulis",
        "fields": sample_fields(transition, facts["today"]),
        "documents": frozenset(d.type for d in defn.documents),
        "facts": facts,
    }
    context.update(overrides)
    return plan_transition(
        defn, action, actor or actor_for(defn, transition), TransitionContext(**context)
    )


def path_to(defn: ProgramDefinition, outcome: str) -> list[Transition]:
    """Shortest chain of declared transitions from the initial stage to a terminal ``outcome``."""
    start = defn.initial_stage
    queue: deque[tuple[str, list[Transition]]] = deque([(start, [])])
    seen = {start}
    while queue:
        key, path = queue.popleft()
        for transition in defn.transitions_from(key):
            target = transition.to
            if transition.returns_to_sender or target in seen or not _allowed(defn, transition):
                continue
            if defn.stage(target).outcome == outcome:
                return [*path, transition]
            seen.add(target)
            queue.append((target, [*path, transition]))
    return []


def _allowed(defn: ProgramDefinition, transition: Transition) -> bool:
    try:
        fire(defn, transition.from_stage, transition.action)
    except TransitionDenied:
        return False
    return True


def run(defn: ProgramDefinition, transitions: list[Transition]) -> list[Plan]:
    plans = []
    for transition in transitions:
        plans.append(fire(defn, transition.from_stage, transition.action))
    return plans


@pytest.fixture
def wf() -> SimpleNamespace:
    """Helpers shared by the workflow tests (a fixture, so no test imports conftest)."""
    return SimpleNamespace(
        fire=fire,
        good_facts=good_facts,
        path_to=path_to,
        run=run,
        sample_fields=sample_fields,
        actor_for=actor_for,
    )
