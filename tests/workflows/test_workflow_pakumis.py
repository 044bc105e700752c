"""A program the engine has never seen runs from a definition file alone (GEBRAK PAKUMIS)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.agencies.seed import seed_agencies
from workflows import (
    Actor,
    DefinitionError,
    TransitionContext,
    TransitionDenied,
    allowed_transitions,
    evaluate_rules,
    load_definition,
    parse_definition,
    plan_transition,
)

AGENCY_CODES = frozenset(seed_agencies())  # the seeded agencies (agencies are data)

FILE = Path(__file__).parent / "fixtures" / "pakumis.yaml"
OPERATOR = Actor(user_id=60, roles=frozenset({("village_operator", None)}), nominated=True)
SURVEYOR = Actor(user_id=61, roles=frozenset({("reviewer", "DPRKPP")}))
HEAD = Actor(user_id=62, roles=frozenset({("approver", "DPRKPP")}))
OWNER = Actor(user_id=63, is_applicant=True)
ALL_DOCS = frozenset({"ktp", "land_proof", "house_photos", "survey_photo", "completion_photos"})
FACTS = {
    "today": date(2026, 3, 10),
    "applicant_kind": "perorangan",
    "eligibility_ok": True,
    "blocking_duplicates": [],
    "budget_available": True,
    "quota_available": True,
}


def step(defn, stage, action, actor, *, fields=None, reason=None, returned_from=None):
    ctx = TransitionContext(
        stage=stage,
        returned_from=returned_from,
        reason=reason,
        fields=fields or {},
        documents=ALL_DOCS,
        facts=FACTS,
    )
    return plan_transition(defn, action, actor, ctx)


def test_new_agency_must_be_known_to_the_app():
    with pytest.raises(DefinitionError) as caught:
        load_definition(FILE, known_agencies=AGENCY_CODES)
    assert "pakumis.yaml: agencies[0]: unknown agency 'DPRKPP'" in str(caught.value)


def test_pakumis_runs_end_to_end(pakumis):
    assert pakumis.funding.mechanism == "in_kind"
    plan = step(pakumis, "proposal", "submit", OPERATOR)
    assert plan.task.agency == "DPRKPP"

    returned = step(
        pakumis,
        "field_verification",
        "return",
        SURVEYOR,
        reason="Foto rumah kurang jelas",
        fields={"deadline": date(2026, 3, 24)},
    )
    back = step(pakumis, "revision", "resubmit", OPERATOR, returned_from=returned.returned_from)
    assert back.to_stage == "field_verification"

    checklist = {"roof_damaged": True, "walls_unfit": True, "floor_earth": False}
    verify_fields = {
        "house_location": {"lat": -6.28, "lon": 106.4},
        "condition_checklist": checklist,
    }
    assert step(
        pakumis, "field_verification", "verify", SURVEYOR, fields=verify_fields
    ).to_stage == ("decision")
    approved = step(pakumis, "decision", "approve", HEAD)
    assert "reserve_budget" in approved.effects

    delivered = step(
        pakumis,
        "delivery",
        "deliver",
        SURVEYOR,
        fields={"delivered_on": date(2026, 4, 2), "materials_value": 14_900_000},
    )
    assert delivered.effects == ("record_tranche_paid", "schedule_report")
    assert [t.action for t in allowed_transitions(pakumis, "construction", OWNER)] == [
        "report_done"
    ]
    reported = step(pakumis, "construction", "report_done", OWNER)
    assert reported.to_stage == "delivery_finishing"  # the second in-kind tranche (40%)
    finished = step(pakumis, "delivery_finishing", "deliver", SURVEYOR,
                    fields={"delivered_on": date(2026, 6, 2), "materials_value": 9_800_000})
    assert finished.effects == ("record_tranche_paid",)
    done = step(pakumis, finished.to_stage, "accept", SURVEYOR)
    assert (done.to_stage, done.outcome, done.effects) == (
        "completed",
        "completed",
        ("mark_completed",),
    )


def test_pakumis_money_field_respects_its_ceiling(pakumis):
    fields = {"delivered_on": date(2026, 4, 2), "materials_value": 16_000_000}
    with pytest.raises(TransitionDenied) as caught:
        step(pakumis, "delivery", "deliver", SURVEYOR, fields=fields)
    assert caught.value.code == "fields_invalid"


def test_pakumis_rules_and_round_trip(pakumis):
    facts = {"person": {"desa_code": "36.03.07.2001"}, "register": {"dtks_listed": True}}
    outcomes = {r.key: r.outcome for r in evaluate_rules(pakumis.eligibility, facts)}
    assert outcomes == {"resident": "pass", "low_income": "pass", "owns_land": "unknown"}
    assert parse_definition(pakumis.to_dict()) == pakumis
