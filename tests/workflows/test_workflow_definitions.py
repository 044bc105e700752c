"""The shipped program definitions load, validate, run end to end and serialise canonically."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.agencies.seed import seed_agencies
from workflows import (
    DEFINITIONS_DIR,
    ProgramDefinition,
    load_definition,
    parse_definition,
)

AGENCY_CODES = frozenset(seed_agencies())  # the seeded agencies (agencies are data)

PROGRAMS = ["sanitren", "guru_ngaji", "kembangku", "beasiswa_mbr"]


def test_every_shipped_definition_loads(definitions):
    assert sorted(definitions) == sorted(PROGRAMS)
    files = sorted(p.stem for p in DEFINITIONS_DIR.glob("*.yaml"))
    assert files == sorted(PROGRAMS)


@pytest.mark.parametrize("key", PROGRAMS)
def test_definition_agencies_are_known_to_the_app(definitions, key):
    defn = definitions[key]
    assert set(defn.agencies) <= AGENCY_CODES
    for stage in defn.stages:
        assert stage.agency is None or stage.agency in defn.agencies


@pytest.mark.parametrize("key", PROGRAMS)
@pytest.mark.parametrize("outcome", ["completed", "rejected"])
def test_each_program_runs_from_initial_stage_to(definitions, wf, key, outcome):
    defn = definitions[key]
    path = wf.path_to(defn, outcome)
    assert path, f"{key} has no path to {outcome}"
    plans = wf.run(defn, path)
    assert plans[0].from_stage == defn.initial_stage
    assert plans[-1].outcome == outcome
    assert plans[-1].task is None


@pytest.mark.parametrize("key", PROGRAMS)
def test_every_agency_stage_opens_a_task(definitions, wf, key):
    defn = definitions[key]
    for plan in wf.run(defn, wf.path_to(defn, "completed")):
        target = defn.stage(plan.to_stage)
        if target.actor == "agency":
            assert plan.task is not None
            assert (plan.task.agency, plan.task.role) == (target.agency, target.role)
            assert plan.task.sla_days == target.sla_days


@pytest.mark.parametrize("key", PROGRAMS)
def test_round_trip_is_exact(definitions, key):
    defn = definitions[key]
    assert parse_definition(defn.to_dict()) == defn
    assert parse_definition(defn.to_dict()).digest() == defn.digest()


@pytest.mark.parametrize("key", PROGRAMS)
def test_to_dict_is_plain_json(definitions, key):
    defn = definitions[key]
    data = defn.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert parse_definition(json.loads(defn.canonical_json())) == defn


def test_digest_is_stable_and_sensitive(definitions):
    defn = definitions["sanitren"]
    again = load_definition(DEFINITIONS_DIR / "sanitren.yaml")
    assert again.digest() == defn.digest()
    assert len(defn.digest()) == 64
    changed = defn.to_dict()
    changed["amount"]["value"] = 128_000_000
    assert parse_definition(changed).digest() != defn.digest()


def test_definitions_are_hashable_values(definitions):
    assert len({definitions["sanitren"], load_definition(DEFINITIONS_DIR / "sanitren.yaml")}) == 1


def test_sanitren_settings(sanitren: ProgramDefinition):
    assert sanitren.amount.rule == "fixed" and sanitren.amount.value == 130_000_000
    assert sanitren.funding.split(130_000_000) == [
        ("tranche_1", 91_000_000),
        ("tranche_2", 39_000_000),
    ]
    assert [(o.identifier, o.scope) for o in sanitren.once_per] == [("nspp", "ever")]
    assert sanitren.stage("admin_verification").agency == "KEMENAG"
    assert sanitren.stage("field_survey").agency == "BAPPEDA"
    assert sanitren.stage("decision").role == "approver"
    assert sanitren.stage("tranche_1").agency == "BPKAD"
    survey = sanitren.find_transition("field_survey", "complete_survey")
    assert "survey_photo" in survey.requires_documents
    assert {f.type for f in survey.requires_fields} >= {"photo_geo", "checklist", "date"}
    assert "reserve_budget" in sanitren.find_transition("decision", "approve").effects
    assert sanitren.budget.ceiling(2026) == 6_500_000_000


def test_guru_ngaji_settings(definitions):
    defn = definitions["guru_ngaji"]
    assert defn.funding.split(1_500_000) == [("instalment_1", 600_000), ("instalment_2", 900_000)]
    assert defn.quota.per == "desa" and defn.quota.default == 15
    assert defn.quota.for_area("36.03.01.2003") == 13
    assert defn.quota.for_area("36.03.02.2001") == 15
    assert [(o.identifier, o.scope) for o in defn.once_per] == [("nik", "fiscal_year")]
    assert "village_operator" in defn.find_transition("nomination", "submit").roles


def test_kembangku_settings(definitions):
    defn = definitions["kembangku"]
    assert (defn.amount.min, defn.amount.max) == (5_000_000, 100_000_000)
    assert defn.funding.mechanism == "revolving_loan"
    assert defn.funding.loan.term_months == 36
    scores = [f for f in defn.find_transition("feasibility", "score").requires_fields if f.weight]
    assert sum(f.weight for f in scores) == 100
    assert all(f.justification for f in scores)


def test_beasiswa_settings(definitions):
    defn = definitions["beasiswa_mbr"]
    assert defn.amount.for_level("SD") == 450_000
    assert defn.amount.for_level("SMP") == 750_000
    assert defn.stage("school_confirmation").role == "school_operator"
    assert defn.stage("school_confirmation").agency is None
    assert [(o.identifier, o.scope) for o in defn.once_per] == [("nisn", "school_year")]
    assert defn.fiscal_year.school_year_start_month == 7


def test_budget_year_follows_the_basis(definitions):
    sanitren, kembangku = definitions["sanitren"], definitions["kembangku"]
    assert sanitren.budget_year() == 2026
    assert sanitren.budget_year(window_opens=date(2027, 2, 1)) == 2027
    assert kembangku.budget_year(submitted_on=date(2026, 5, 1)) is None
    assert kembangku.budget_year(decided_on=date(2027, 1, 5)) == 2027


def test_school_year(definitions):
    fiscal = definitions["beasiswa_mbr"].fiscal_year
    assert fiscal.school_year(date(2026, 7, 13)) == "2026/2027"
    assert fiscal.school_year(date(2027, 3, 1)) == "2026/2027"
    assert fiscal.school_year(date(2026, 6, 30)) == "2025/2026"
