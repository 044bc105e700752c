"""Invalid definitions are refused with every problem named by file, path and message."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.agencies.seed import seed_agencies
from workflows import DefinitionError, load_definition, load_definitions
from workflows.yamlio import DuplicateKeyError, StrictLoader

AGENCY_CODES = frozenset(seed_agencies())  # the seeded agencies (agencies are data)

T = {"id": "Teks", "en": "Text"}
DEADLINE = [{"name": "deadline", "label": T, "type": "date"}]

BASE: dict[str, Any] = {
    "key": "demo",
    "version": 1,
    "name": {"id": "Program contoh", "en": "Demo program"},
    "purpose": {"id": "Untuk pengujian", "en": "For tests"},
    "agencies": ["BAPPEDA", "BPKAD"],
    "applicant_kinds": ["pesantren"],
    "form": {
        "steps": [
            {"key": "one", "title": T, "fields": [{"key": "pupils", "type": "number", "label": T}]}
        ]
    },
    "window": {"opens": "2026-01-01", "closes": "2026-03-31"},
    "funding": {
        "mechanism": "grant_tranches",
        "tranches": [
            {"key": "t1", "label": T, "percent": 60, "paid_at": "payment"},
            {"key": "t2", "label": T, "percent": 40, "paid_at": "payment"},
        ],
    },
    "amount": {"rule": "fixed", "value": 100_000_000},
    "budget": {"ceilings": {2026: 1_000_000_000}},
    "documents": [{"type": "proposal", "label": T, "accept": ["pdf"], "max_mb": 5}],
    "eligibility": [
        {"key": "kind", "message": T, "check": {"fact": "org.kind", "op": "eq", "value": "x"}}
    ],
    "initial_stage": "draft",
    "stages": [
        {"key": "draft", "name": T, "actor": "applicant", "applicant_may": ["edit", "withdraw"]},
        {"key": "review", "name": T, "agency": "BAPPEDA", "role": "reviewer", "sla_days": 5},
        {"key": "revision", "name": T, "actor": "applicant", "applicant_may": ["edit"]},
        {"key": "payment", "name": T, "agency": "BPKAD", "role": "finance", "sla_days": 5},
        {"key": "completed", "name": T, "terminal": True, "outcome": "completed"},
        {"key": "rejected", "name": T, "terminal": True, "outcome": "rejected"},
        {"key": "withdrawn", "name": T, "terminal": True, "outcome": "withdrawn"},
    ],
    "transitions": [
        {"from": "draft", "action": "submit", "to": "review", "label": T, "roles": ["applicant"],
         "submits": True},
        {"from": "review", "action": "approve", "to": "payment", "label": T, "roles": ["reviewer"]},
        {
            "from": "review",
            "action": "return",
            "to": "revision",
            "label": T,
            "roles": ["reviewer"],
            "reason_required": True,
            "requires_fields": DEADLINE,
        },
        {
            "from": "review",
            "action": "reject",
            "to": "rejected",
            "label": T,
            "roles": ["reviewer"],
            "reason_required": True,
        },
        {
            "from": "revision",
            "action": "resubmit",
            "to": "@returned_from",
            "label": T,
            "roles": ["applicant"],
            "submits": True,
        },
        {"from": "payment", "action": "pay", "to": "completed", "label": T, "roles": ["finance"]},
    ],
    "withdrawal": {"to": "withdrawn"},
}


def write(tmp_path: Path, data: dict[str, Any], name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def transition(data: dict[str, Any], source: str, action: str) -> dict[str, Any]:
    return next(t for t in data["transitions"] if (t["from"], t["action"]) == (source, action))


def problems_of(path: Path, **kwargs: Any) -> list[tuple[str, str, str]]:
    with pytest.raises(DefinitionError) as caught:
        load_definition(path, **kwargs)
    return [(p.file, p.path, p.message) for p in caught.value.problems]


def test_base_is_valid(tmp_path):
    defn = load_definition(write(tmp_path, BASE), known_agencies=AGENCY_CODES)
    assert defn.key == "demo"


def test_award_limits_within_years_by_group(tmp_path):
    data = copy.deepcopy(BASE)
    data["groups"] = ["housing"]
    data["once_per"] = [{"identifier": "kk", "scope": "awarded", "within_years": 10,
                         "group": "housing"}, {"identifier": "nik", "scope": "fiscal_year"}]
    defn = load_definition(write(tmp_path, data), known_agencies=AGENCY_CODES)
    kk = defn.once_per[0]
    assert (kk.counts_awards, kk.within_years, kk.group, defn.groups) == (
        True, 10, "housing", ("housing",))


def _set(path: list[Any], value: Any):
    def mutate(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _delete(path: list[Any]):
    def mutate(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return mutate


def _on_transition(source: str, action: str, key: str, value: Any):
    def mutate(data: dict[str, Any]) -> None:
        transition(data, source, action)[key] = value

    return mutate


def _add_unreachable(data: dict[str, Any]) -> None:
    data["stages"].append(
        {"key": "orphan", "name": T, "agency": "BAPPEDA", "role": "reviewer", "sla_days": 3}
    )
    data["transitions"].append(
        {"from": "orphan", "action": "close", "to": "completed", "label": T, "roles": ["reviewer"]}
    )


def _add_dead_end(data: dict[str, Any]) -> None:
    data["stages"].append(
        {"key": "limbo", "name": T, "agency": "BAPPEDA", "role": "reviewer", "sla_days": 3}
    )
    data["transitions"].append(
        {"from": "review", "action": "park", "to": "limbo", "label": T, "roles": ["reviewer"]}
    )


def _duplicate_transition(data: dict[str, Any]) -> None:
    data["transitions"].append(copy.deepcopy(transition(data, "review", "approve")))


def _bad_rule_operator(data: dict[str, Any]) -> None:
    data["eligibility"][0]["check"]["op"] = "approx"


CASES = [
    (
        "award limit naming an undeclared group",
        _set(["once_per"], {"identifier": "kk", "scope": "awarded", "group": "housing"}),
        "once_per.group",
        "unknown program group 'housing'",
    ),
    (
        "within_years on a live-application limit",
        _set(["once_per"], {"identifier": "nik", "scope": "ever", "within_years": 3}),
        "once_per.within_years",
        "needs scope: awarded",
    ),
    (
        "within_years not a whole number",
        _set(["once_per"], {"identifier": "nik", "scope": "awarded", "within_years": 2.5}),
        "once_per.within_years",
        "must be a whole number",
    ),
    (
        "no submission from the initial stage",
        _on_transition("draft", "submit", "submits", False),
        "transitions",
        "no transition from the initial stage 'draft' has submits: true",
    ),
    (
        "submission from a stage without edit",
        _on_transition("review", "approve", "submits", True),
        "transitions[review.approve].submits",
        "only a stage where the applicant may edit can submit",
    ),
    (
        "submits is a boolean",
        _on_transition("draft", "submit", "submits", "ya"),
        "transitions[draft.submit].submits",
        "",
    ),
    (
        "unknown stage",
        _on_transition("review", "approve", "to", "paymnt"),
        "transitions[review.approve].to",
        "unknown stage 'paymnt'",
    ),
    (
        "unknown guard",
        _on_transition("draft", "submit", "guards", ["magic"]),
        "transitions[draft.submit].guards[0]",
        "unknown guard 'magic'",
    ),
    (
        "unknown effect",
        _on_transition("payment", "pay", "effects", ["send_money"]),
        "transitions[payment.pay].effects[0]",
        "unknown effect 'send_money'",
    ),
    ("unreachable stage", _add_unreachable, "stages[7]", "cannot be reached from the initial"),
    ("stage with no way out", _add_dead_end, "stages[7]", "has no way out"),
    (
        "transition without role",
        _on_transition("review", "approve", "roles", []),
        "transitions[review.approve].roles",
        "needs at least one role",
    ),
    (
        "agency stage without agency",
        _delete(["stages", 1, "agency"]),
        "stages[1].agency",
        "an agency stage needs an agency code",
    ),
    (
        "agency stage without role",
        _delete(["stages", 1, "role"]),
        "stages[1].role",
        "needs the role",
    ),
    (
        "agency stage without sla_days",
        _delete(["stages", 3, "sla_days"]),
        "stages[3].sla_days",
        "needs sla_days",
    ),
    (
        "unknown agency at a stage",
        _set(["stages", 1, "agency"], "DINSOS"),
        "stages[1].agency",
        "unknown agency 'DINSOS'",
    ),
    (
        "unknown agency in the list",
        _set(["agencies"], ["BAPPEDA", "BPKAD", "DINSOS"]),
        "agencies[2]",
        "unknown agency 'DINSOS'",
    ),
    (
        "duplicate stage key",
        _set(["stages", 2, "key"], "review"),
        "stages[2].key",
        "duplicate stage key 'review' (first at stages[1])",
    ),
    (
        "duplicate transition",
        _duplicate_transition,
        "transitions[review.approve]",
        "duplicate transition: action 'approve' from stage 'review'",
    ),
    ("negative amount", _set(["amount", "value"], -5), "amount.value", "must not be negative"),
    ("zero amount", _set(["amount", "value"], 0), "amount.value", "must be more than 0"),
    (
        "float money",
        _set(["amount", "value"], 100_000_000.0),
        "amount.value",
        "money must be whole rupiah (an integer)",
    ),
    (
        "text money",
        _set(["amount", "value"], "100 juta"),
        "amount.value",
        "money must be whole rupiah",
    ),
    (
        "range min above max",
        _set(["amount"], {"rule": "range", "min": 9_000_000, "max": 5_000_000}),
        "amount.min",
        "min (9000000) is more than max (5000000)",
    ),
    (
        "tranche percents",
        _set(["funding", "tranches", 1, "percent"], 30),
        "funding.tranches",
        "tranche percents add up to 90, must be 100",
    ),
    (
        "budget ceiling float",
        _set(["budget", "ceilings"], {2026: 1.5e9}),
        "budget.ceilings.2026",
        "whole rupiah",
    ),
    (
        "unknown field typo in a stage",
        _set(["stages", 1, "sla_day"], 5),
        "stages[1].sla_day",
        "unknown field 'sla_day' (did you mean 'sla_days'?)",
    ),
    (
        "unknown top-level field",
        _set(["eligibilty"], []),
        "eligibilty",
        "unknown field 'eligibilty' (did you mean 'eligibility'?)",
    ),
    (
        "window reversed",
        _set(["window"], {"opens": "2026-03-01", "closes": "2026-01-31"}),
        "window.closes",
        "window closes (2026-01-31) before it opens (2026-03-01)",
    ),
    (
        "name without English",
        _set(["stages", 0, "name"], {"id": "Draf"}),
        "stages[0].name.en",
        "required field is missing",
    ),
    ("blank Indonesian name", _set(["name", "id"], " "), "name.id", "must be non-empty text"),
    (
        "unknown rule operator",
        _bad_rule_operator,
        "eligibility[0].check.op",
        "unknown rule operator 'approx'",
    ),
    (
        "unknown fact root",
        _set(["eligibility", 0, "check", "fact"], "orgs.kind"),
        "eligibility[0].check.fact",
        "unknown fact 'orgs.kind'",
    ),
    (
        "return without reason",
        _on_transition("review", "return", "reason_required", False),
        "transitions[review.return].reason_required",
        "returning for revision must require a reason",
    ),
    (
        "return without deadline",
        _on_transition("review", "return", "requires_fields", []),
        "transitions[review.return].requires_fields",
        "date field named 'deadline'",
    ),
    (
        "withdraw without withdrawal stage",
        _delete(["withdrawal"]),
        "withdrawal",
        "withdrawal.to is required",
    ),
    (
        "unknown role",
        _on_transition("review", "approve", "roles", ["kepala"]),
        "transitions[review.approve].roles[0]",
        "unknown role 'kepala'",
    ),
    (
        "auditor acting",
        _on_transition("review", "approve", "roles", ["auditor"]),
        "transitions[review.approve].roles",
        "auditors read and verify",
    ),
    (
        "agency role at an applicant stage",
        _on_transition("draft", "submit", "roles", ["reviewer"]),
        "transitions[draft.submit].roles",
        "role 'reviewer' cannot act at applicant stage 'draft'",
    ),
    (
        "unknown document required",
        _on_transition("review", "approve", "requires_documents", ["survey_photo"]),
        "transitions[review.approve].requires_documents[0]",
        "unknown document type 'survey_photo'",
    ),
    (
        "terminal stage with outgoing transition",
        lambda d: d["transitions"].append(
            {
                "from": "completed",
                "action": "reopen",
                "to": "review",
                "label": T,
                "roles": ["admin"],
            }
        ),
        "transitions[completed.reopen].from",
        "terminal stage 'completed' cannot have transitions",
    ),
    (
        "version zero",
        _set(["version"], 0),
        "version",
        "must be at least 1",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "where", "fragment"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_invalid_definition_is_refused_precisely(tmp_path, mutate, where, fragment):
    data = copy.deepcopy(BASE)
    mutate(data)
    found = problems_of(write(tmp_path, data), known_agencies=AGENCY_CODES)
    matching = [p for p in found if p[1] == where and fragment in p[2]]
    assert matching, f"expected {where}: ...{fragment}... in {found}"
    assert all(p[0] == "demo.yaml" for p in found)


def test_duplicate_yaml_key_is_refused_with_its_path(tmp_path):
    text = yaml.safe_dump(BASE, sort_keys=False)
    line = "  agency: BAPPEDA\n"
    assert text.count(line) == 1
    path = tmp_path / "demo.yaml"
    path.write_text(text.replace(line, line + "  agency: KEMENAG\n"), encoding="utf-8")
    found = problems_of(path)
    assert found == [("demo.yaml", "stages[1].agency", found[0][2])]
    assert "duplicate key 'agency'" in found[0][2]


def test_duplicate_top_level_key(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(BASE, sort_keys=False) + "version: 2\n", encoding="utf-8")
    assert [p[1] for p in problems_of(path)] == ["version"]


def test_strict_loader_refuses_duplicates_on_its_own():
    with pytest.raises(DuplicateKeyError):
        yaml.load("a: 1\na: 2\n", Loader=StrictLoader)  # noqa: S506 - SafeLoader subclass


def test_strict_loader_is_safe():
    with pytest.raises(yaml.YAMLError):
        yaml.load("!!python/object/apply:os.system ['true']", Loader=StrictLoader)  # noqa: S506


def test_all_problems_are_collected_at_once(tmp_path):
    data = copy.deepcopy(BASE)
    data["amount"]["value"] = 1.5
    data["window"]["closes"] = "2025-01-01"
    data["stages"][1]["agency"] = "DINSOS"
    data["colour"] = "green"
    transition(data, "draft", "submit")["guards"] = ["magic"]
    found = problems_of(write(tmp_path, data), known_agencies=AGENCY_CODES)
    paths = {p[1] for p in found}
    assert {"amount.value", "window.closes", "stages[1].agency", "colour"} <= paths
    assert "transitions[draft.submit].guards[0]" in paths


def test_error_text_lists_file_path_and_message(tmp_path):
    data = copy.deepcopy(BASE)
    data["amount"]["value"] = -1
    with pytest.raises(DefinitionError) as caught:
        load_definition(write(tmp_path, data))
    assert str(caught.value) == "demo.yaml: amount.value: amount must not be negative, got -1"


def test_key_must_match_file_name(tmp_path):
    found = problems_of(write(tmp_path, BASE, name="other.yaml"))
    assert ("other.yaml", "key", "key 'demo' must match the file name 'other'") in found


def test_load_definitions_reports_every_file(tmp_path):
    broken = copy.deepcopy(BASE)
    broken["key"] = "broken"
    broken["amount"]["value"] = 0
    write(tmp_path, broken, name="broken.yaml")
    other = copy.deepcopy(BASE)
    other["key"] = "other"
    other["window"]["closes"] = "2020-01-01"
    write(tmp_path, other, name="other.yaml")
    write(tmp_path, BASE)
    with pytest.raises(DefinitionError) as caught:
        load_definitions(tmp_path)
    assert {p.file for p in caught.value.problems} == {"broken.yaml", "other.yaml"}


def test_invalid_yaml_syntax_is_a_problem(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text("key: [unclosed\n", encoding="utf-8")
    found = problems_of(path)
    assert found[0][:2] == ("demo.yaml", "(file)")
    assert "not valid YAML" in found[0][2]


def test_known_agencies_is_optional(tmp_path):
    data = copy.deepcopy(BASE)
    data["agencies"] = ["DINSOS", "BPKAD"]
    data["stages"][1]["agency"] = "DINSOS"
    assert load_definition(write(tmp_path, data)).agencies == ("DINSOS", "BPKAD")


def test_stage_agency_must_be_listed(tmp_path):
    data = copy.deepcopy(BASE)
    data["stages"][1]["agency"] = "KEMENAG"
    found = problems_of(write(tmp_path, data))
    assert ("demo.yaml", "stages[1].agency") in [p[:2] for p in found]
