"""Declarative eligibility rules: outcomes, bilingual reasons, combinators and robustness."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflows import DefinitionError, Rule, RuleResult, eligibility_ok, evaluate_rules
from workflows._reader import Reader
from workflows.parse_rules import parse_rule
from workflows.rules import OPERATORS

TODAY = date(2026, 3, 2)


def rule(check: dict[str, Any], **extra: Any) -> Rule:
    data = {"key": "r", "message": {"id": "Syarat", "en": "Requirement"}, "check": check, **extra}
    reader = Reader("<test>")
    parsed = parse_rule(reader, data, "eligibility[0]")
    if reader.problems:
        raise DefinitionError(reader.problems)
    return parsed


def check(spec: dict[str, Any], facts: dict[str, Any]) -> RuleResult:
    return evaluate_rules([rule(spec)], facts)[0]


def test_reason_states_actual_value_and_requirement_in_both_languages():
    spec = {
        "fact": "answers.pupil_count",
        "op": "gte",
        "value": 10,
        "label": {"id": "Jumlah santri", "en": "Pupils"},
    }
    result = check(spec, {"answers": {"pupil_count": 8}})
    assert result.outcome == "fail"
    assert result.reason == {"id": "Jumlah santri: 8, minimal 10", "en": "Pupils: 8, at least 10"}
    assert result.message == {"id": "Syarat", "en": "Requirement"}
    assert check(spec, {"answers": {"pupil_count": 12}}).outcome == "pass"


def test_missing_fact_is_unknown_and_names_the_fact():
    result = check({"fact": "org.resident_santri", "op": "gte", "value": 1}, {"org": {}})
    assert result.outcome == "unknown"
    assert "org.resident_santri" in result.reason["id"]
    assert result.reason["en"] == "Resident santri is not available (org.resident_santri)"


def test_none_counts_as_missing():
    assert check(
        {"fact": "org.kind", "op": "eq", "value": "x"}, {"org": {"kind": None}}
    ).outcome == ("unknown")


def test_flat_dotted_keys_are_read_too():
    assert check({"fact": "org.kind", "op": "eq", "value": "x"}, {"org.kind": "x"}).passed


def test_hint_and_blocking_are_carried():
    parsed = rule(
        {"fact": "org.npwp", "op": "exists"},
        hint={"id": "Lengkapi NPWP", "en": "Add the NPWP"},
        blocking=False,
    )
    result = evaluate_rules([parsed], {})[0]
    assert result.outcome == "fail"
    assert result.hint == {"id": "Lengkapi NPWP", "en": "Add the NPWP"}
    assert result.blocking is False


OPERATOR_CASES = [
    # op, value, passing fact value, failing fact value
    ("eq", "pesantren", "pesantren", "koperasi"),
    ("eq", 0, 0, 2),
    ("ne", "koperasi", "kelompok_usaha", "koperasi"),
    ("in", ["salafi", "pengembangan_salafi"], "salafi", "modern"),
    ("not_in", ["SMA"], "SMP", "SMA"),
    ("gt", 5, 6, 5),
    ("gte", 10, 10, 9),
    ("lt", 11, 10, 11),
    ("lte", 10, 10, 11),
    ("between", [5_000_000, 100_000_000], 50_000_000, 150_000_000),
    ("gte", "2020-01-01", date(2021, 5, 1), date(2019, 5, 1)),
    ("startswith", "36.03.", "36.03.01.2003", "36.71.01.1001"),
    ("len_gte", 12, "510036030001", "5100"),
    ("len_gte", 2, ["a", "b"], ["a"]),
    ("years_since_gte", 1, date(2025, 3, 2), date(2025, 3, 3)),
    ("months_since_gte", 6, date(2025, 9, 1), date(2025, 9, 3)),
]


@pytest.mark.parametrize(("op", "value", "good", "bad"), OPERATOR_CASES)
def test_operator(op, value, good, bad):
    spec = {"fact": "answers.x", "op": op, "value": value}
    passed = check(spec, {"answers": {"x": good}, "today": TODAY})
    failed = check(spec, {"answers": {"x": bad}, "today": TODAY})
    assert (passed.outcome, failed.outcome) == ("pass", "fail")
    for result in (passed, failed):
        assert result.reason["id"].startswith("answers.x: ")
        assert result.reason["en"].startswith("answers.x: ")
    assert check(spec, {"today": TODAY}).outcome == "unknown"


@pytest.mark.parametrize(
    ("op", "good", "bad"),
    [("is_true", True, False), ("is_false", False, True), ("exists", "x", "  ")],
)
def test_valueless_operators(op, good, bad):
    spec = {"fact": "person.npwp", "op": op}
    assert check(spec, {"person": {"npwp": good}}).outcome == "pass"
    assert check(spec, {"person": {"npwp": bad}}).outcome == "fail"


def test_exists_on_missing_fact_is_a_failure_not_unknown():
    result = check({"fact": "org.npwp", "op": "exists"}, {})
    assert result.outcome == "fail"
    assert result.reason == {
        "id": "NPWP lembaga: kosong, wajib ada",
        "en": "Organisation NPWP: missing, required",
    }


def test_every_operator_is_covered():
    covered = {case[0] for case in OPERATOR_CASES} | {"is_true", "is_false", "exists"}
    assert covered == set(OPERATORS)


def test_boolean_fact_of_wrong_type_is_unknown():
    result = check(
        {"fact": "person.is_civil_servant", "op": "is_false"},
        {"person": {"is_civil_servant": "tidak"}},
    )
    assert result.outcome == "unknown"
    assert "tidak dapat diperiksa" in result.reason["id"]
    assert "cannot be checked" in result.reason["en"]


def test_booleans_never_equal_numbers():
    spec = {"fact": "history.sanitren_grants", "op": "eq", "value": 0}
    assert check(spec, {"history": {"sanitren_grants": False}}).outcome == "fail"


def test_numeric_text_is_compared_as_a_number():
    spec = {"fact": "answers.pupil_count", "op": "gte", "value": 10}
    assert check(spec, {"answers": {"pupil_count": "12"}}).passed


def test_non_numeric_comparison_is_unknown():
    spec = {"fact": "answers.pupil_count", "op": "gte", "value": 10}
    assert check(spec, {"answers": {"pupil_count": "banyak"}}).outcome == "unknown"


def test_years_since_needs_a_reference_date():
    spec = {"fact": "person.teaching_since", "op": "years_since_gte", "value": 1}
    result = check(spec, {"person": {"teaching_since": date(2020, 1, 1)}})
    assert result.outcome == "unknown"
    assert "today" in result.reason["en"]


def test_years_since_reason():
    spec = {"fact": "person.teaching_since", "op": "years_since_gte", "value": 1}
    facts = {"person": {"teaching_since": "2025-06-01"}, "today": datetime(2026, 3, 2, 9, 0)}
    result = check(spec, facts)
    assert result.outcome == "fail"
    assert result.reason == {
        "id": "Mulai mengajar: 2025-06-01 (0 tahun), minimal 1 tahun",
        "en": "Teaching since: 2025-06-01 (0 years), at least 1 year",
    }


def test_elapsed_with_a_custom_reference_fact():
    spec = {"fact": "org.founded_on", "op": "months_since_gte", "value": 6, "ref": "answers.as_of"}
    facts = {"org": {"founded_on": date(2025, 1, 1)}, "answers": {"as_of": date(2025, 8, 1)}}
    assert check(spec, facts).passed


def test_value_from_another_fact_with_offset():
    spec = {"fact": "org.rat_last_year", "op": "gte", "value": {"fact": "fiscal_year", "add": -1}}
    passed = check(spec, {"org": {"rat_last_year": 2025}, "fiscal_year": 2026})
    failed = check(spec, {"org": {"rat_last_year": 2023}, "fiscal_year": 2026})
    assert (passed.outcome, failed.outcome) == ("pass", "fail")
    assert failed.reason == {
        "id": "Tahun buku RAT terakhir: 2023, minimal 2025 (Tahun anggaran - 1)",
        "en": "Last book year with an RAT: 2023, at least 2025 (Fiscal year - 1)",
    }
    assert check(spec, {"org": {"rat_last_year": 2025}}).outcome == "unknown"


def test_large_numbers_are_grouped_per_language():
    spec = {"fact": "answers.requested_amount", "op": "lte", "value": 100_000_000}
    result = check(spec, {"answers": {"requested_amount": 150_000_000}})
    assert result.reason["id"] == "Nilai yang diajukan: 150.000.000, maksimal 100.000.000"
    assert result.reason["en"] == "Amount requested: 150,000,000, at most 100,000,000"


# --- combinators ----------------------------------------------------------------------------

KIND_OK = {"fact": "org.kind", "op": "eq", "value": "koperasi"}
AHU = {"fact": "org.ahu_number", "op": "exists"}
NOT_KOPERASI = {"fact": "org.kind", "op": "ne", "value": "koperasi"}


def test_all_fails_with_the_failing_reason_only():
    result = check({"all": [KIND_OK, AHU]}, {"org": {"kind": "koperasi"}})
    assert result.outcome == "fail"
    assert result.reason["en"] == "Legal entity number (AHU): missing, required"


def test_all_passes_with_every_reason():
    result = check({"all": [KIND_OK, AHU]}, {"org": {"kind": "koperasi", "ahu_number": "AHU-1"}})
    assert result.outcome == "pass"
    assert result.reason["id"].count(";") == 1


def test_all_is_unknown_when_something_is_missing_and_nothing_failed():
    spec = {"all": [KIND_OK, {"fact": "org.active", "op": "is_true"}]}
    assert check(spec, {"org": {"kind": "koperasi"}}).outcome == "unknown"


def test_any_passes_on_one_branch():
    spec = {"any": [NOT_KOPERASI, AHU]}
    assert check(spec, {"org": {"kind": "kelompok_usaha"}}).outcome == "pass"
    assert check(spec, {"org": {"kind": "koperasi", "ahu_number": "AHU-1"}}).outcome == "pass"
    failed = check(spec, {"org": {"kind": "koperasi"}})
    assert failed.outcome == "fail"
    assert " atau " in failed.reason["id"] and " or " in failed.reason["en"]


def test_any_is_unknown_when_no_branch_passes_and_one_is_unknown():
    spec = {
        "any": [
            {"fact": "register.dtks_listed", "op": "is_true"},
            {"fact": "answers.has_sktm", "op": "is_true"},
        ]
    }
    assert check(spec, {"register": {"dtks_listed": False}}).outcome == "unknown"


def test_not_inverts_and_keeps_unknown():
    spec = {"not": {"fact": "person.is_civil_servant", "op": "is_true"}}
    assert check(spec, {"person": {"is_civil_servant": False}}).outcome == "pass"
    result = check(spec, {"person": {"is_civil_servant": True}})
    assert result.outcome == "fail"
    assert result.reason["en"].startswith("not (")
    assert check(spec, {}).outcome == "unknown"


def test_nested_combinators():
    spec = {
        "all": [{"any": [NOT_KOPERASI, AHU]}, {"not": {"fact": "org.active", "op": "is_false"}}]
    }
    assert check(spec, {"org": {"kind": "kelompok_usaha", "active": True}}).passed


def test_eligibility_ok_requires_every_blocking_rule_to_pass():
    strict = rule(AHU)
    soft = rule({"fact": "org.npwp", "op": "exists"}, blocking=False)
    facts = {"org": {"ahu_number": "AHU-1"}}
    assert eligibility_ok(evaluate_rules([strict, soft], facts))
    assert not eligibility_ok(evaluate_rules([strict, soft], {}))


def test_shipped_guru_ngaji_rules(definitions):
    facts = {
        "today": TODAY,
        "person": {
            "desa_code": "36.03.12.2005",
            "is_civil_servant": False,
            "has_fixed_income": False,
            "teaching_since": date(2019, 7, 1),
            "npwp": "3603120101800001",
            "has_bank_account": True,
        },
        "answers": {"pupil_count": 8},
    }
    results = {r.key: r for r in evaluate_rules(definitions["guru_ngaji"].eligibility, facts)}
    assert results["enough_pupils"].reason == {
        "id": "Jumlah santri: 8, minimal 10",
        "en": "Pupils: 8, at least 10",
    }
    assert [k for k, r in results.items() if not r.passed] == ["enough_pupils"]


# --- refused rule definitions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"fact": "org.kind", "op": "like", "value": "x"}, "unknown rule operator 'like'"),
        ({"fact": "org.kind", "op": "exists", "value": 1}, "takes no value"),
        ({"fact": "org.kind", "op": "in", "value": "x"}, "needs a non-empty list"),
        ({"fact": "org.kind", "op": "gte"}, "needs a value"),
        (
            {"fact": "org.kind", "op": "between", "value": [9, 1]},
            "low bound 9 is above high bound 1",
        ),
        ({"fact": "org.kind", "op": "gte", "value": "ten"}, "must be a number or a date"),
        ({"fact": "Org Kind", "op": "exists"}, "not a fact name"),
        ({"fact": "org.kind", "op": "exists", "ref": "today"}, "only applies to"),
        ({"all": [], "any": []}, "must be the only key"),
        ({"fact": "org.kind", "op": "eq", "value": "x", "lable": {}}, "did you mean 'label'?"),
        ({"fact": "org.kind", "op": "eq", "value": {"fact": "x.y"}}, "unknown fact 'x.y'"),
    ],
)
def test_bad_rules_are_refused(spec, fragment):
    with pytest.raises(DefinitionError) as caught:
        rule(spec)
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("<test>: eligibility[0].check")


# --- robustness -----------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["2026-01-01", "2026-13-45", "12", "-3.5", "36.03.01"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)

ROBUST_RULES = [
    rule({"fact": "answers.x", "op": op, "value": value}) for op, value, _, _ in OPERATOR_CASES
] + [
    rule({"fact": "answers.x", "op": "is_true"}),
    rule({"fact": "answers.x", "op": "is_false"}),
    rule({"fact": "answers.x", "op": "exists"}),
    rule({"fact": "answers.x", "op": "eq", "value": True}),
    rule({"fact": "answers.x", "op": "eq", "value": 1.5}),
    rule({"fact": "answers.x", "op": "gte", "value": {"fact": "fiscal_year", "add": -1}}),
    rule(
        {
            "any": [
                {"fact": "answers.x", "op": "gt", "value": 1},
                {"not": {"fact": "answers.x", "op": "exists"}},
            ]
        }
    ),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=values, today=values, fiscal_year=values, answers=values)
def test_evaluation_never_raises(x, today, fiscal_year, answers):
    facts_variants = [
        {"answers": {"x": x}, "today": today, "fiscal_year": fiscal_year},
        {"answers": answers, "today": today},
        {"answers.x": x},
    ]
    for facts in facts_variants:
        for result in evaluate_rules(ROBUST_RULES, facts):
            assert result.outcome in ("pass", "fail", "unknown")
            assert isinstance(result.reason["id"], str) and result.reason["id"]
            assert isinstance(result.reason["en"], str) and result.reason["en"]


@pytest.mark.parametrize("answers", [{"pupil_count": 8}, {"pupil_count": 12}, {}])
def test_result_to_dict_is_the_dataclass_as_plain_data(answers):
    """``to_dict`` is what is stored for auditors; it must say what ``asdict`` would."""
    from dataclasses import asdict

    spec = {"fact": "answers.pupil_count", "op": "gte", "value": 10}
    result = evaluate_rules([rule(spec, hint={"id": "Tambah", "en": "Add"})],
                            {"answers": answers})[0]
    assert result.to_dict() == asdict(result)
    assert result.to_dict()["message"] is not result.message


def test_a_refusal_names_each_failed_rule_separately():
    from workflows.guards import _details

    text = _details(["Domisili di Kabupaten Tangerang", "Tidak berstatus ASN/TNI/Polri."])
    assert text == " Domisili di Kabupaten Tangerang; Tidak berstatus ASN/TNI/Polri."
