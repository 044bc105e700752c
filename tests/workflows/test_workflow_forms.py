"""Declared forms: parsing refuses bad declarations; ``validate_answers`` is the one rule book
for the portal and the API (no Flask here)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest

from app.common import identifiers
from workflows import DefinitionError, load_definition, load_definitions, parse_definition
from workflows.answers import answer_rows, missing_answers, validate_answers
from workflows.form_checks import NORMALIZERS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = date(2026, 3, 1)


@pytest.fixture(scope="module", autouse=True)
def shared_identifier_validators():
    NORMALIZERS.bind("nisn", identifiers.normalize_nisn)
    NORMALIZERS.bind("npsn", identifiers.normalize_npsn)


@pytest.fixture(scope="module")
def shipped():
    return load_definitions()


@pytest.fixture(scope="module")
def pakumis():
    return load_definition(FIXTURES / "pakumis.yaml")


def test_every_shipped_program_declares_its_form_and_round_trips(shipped, pakumis):
    for defn in [*shipped.values(), pakumis]:
        assert defn.form.is_declared and defn.form.fields
        assert parse_definition(defn.to_dict()) == defn
    assert shipped["kembangku"].form.amount_field == "requested_amount"


def test_a_snapshot_naming_a_python_form_still_loads_with_the_same_digest(shipped):
    data = shipped["sanitren"].to_dict()
    data["form"] = "sanitren"
    old = parse_definition(data, source="db:sanitren@1")
    assert old.form.legacy_name == "sanitren" and not old.form.fields
    assert old.to_dict()["form"] == "sanitren"
    assert parse_definition(old.to_dict()).digest() == old.digest()


def test_whole_form_converts_browser_strings_and_reports_in_both_languages(shipped):
    form = shipped["beasiswa_mbr"].form
    given = {"student_name": " Siti ", "nisn": "0012 3456 78", "school_npsn": "20601234",
             "school_name": "SDN 1", "school_level": "SD", "school_desa_code": "36.03.01.2003",
             "class_rank": "", "report_average": "88,5", "has_sktm": "ya"}
    result = validate_answers(form, given, today=TODAY)
    assert result.ok, result.errors
    assert result.answers["report_average"] == 88.5
    assert result.answers["has_sktm"] is True and result.answers["class_rank"] is None
    assert result.answers["nisn"] == "0012345678" and result.answers["student_name"] == "Siti"
    bad = validate_answers(form, {**given, "report_average": "101", "nisn": "12",
                                  "school_level": "SMA", "has_sktm": ""}, today=TODAY)
    assert bad.errors["report_average"] == {"id": "Isi antara 0 dan 100.",
                                            "en": "Enter between 0 and 100."}
    assert bad.errors["nisn"]["id"].startswith("NISN harus 10 digit")
    assert bad.errors["school_level"]["en"] == "Choose one of the options."
    assert bad.errors["has_sktm"]["id"] == "Pilih Ya atau Tidak."


def test_money_is_whole_rupiah_and_names_the_amount(shipped):
    form = shipped["kembangku"].form
    ok = validate_answers(form, {"requested_amount": "Rp50.000.000", "use_of_funds": "Modal"})
    assert ok.ok and ok.amount == 50_000_000
    for raw in ("50.000.000,5", 12.5, True, "lima juta"):
        result = validate_answers(form, {"requested_amount": raw, "use_of_funds": "Modal"})
        assert "requested_amount" in result.errors, raw


def test_partial_save_checks_given_keys_and_refuses_unknown_ones(shipped):
    form = shipped["sanitren"].form
    result = validate_answers(form, {"similar_aid_this_year": False}, partial=True)
    assert result.ok and result.answers == {"similar_aid_this_year": False}
    result = validate_answers(form, {"toilet_count": -1, "status": "approved"}, partial=True)
    assert set(result.errors) == {"toilet_count", "status"}
    assert [f.key for f in missing_answers(form, {"similar_aid_this_year": False})] == [
        "sanitation_adequate", "resident_santri"]


def test_a_hidden_field_is_neither_required_nor_kept(pakumis):
    form = pakumis.form
    no = validate_answers(form, {"owns_land": "tidak", "land_proof": "girik", "residents": "4"})
    assert no.ok and no.answers["land_proof"] is None
    yes = validate_answers(form, {"owns_land": "ya", "residents": "4"})
    assert yes.errors["land_proof"]["id"] == "Pilih jawaban untuk: Bukti kepemilikan tanah."
    assert [f.key for f in missing_answers(form, {"owns_land": True, "residents": 4})] == [
        "land_proof"]


def test_labels_come_from_the_definition_in_the_readers_language(pakumis):
    answers = {"owns_land": True, "land_proof": "ajb", "residents": 4}
    assert answer_rows(pakumis.form, answers, "id")[:2] == [
        ("Apakah rumah berdiri di atas tanah milik sendiri?", "Ya"),
        ("Bukti kepemilikan tanah", "Akta jual beli")]
    english = answer_rows(pakumis.form, answers, "en")
    assert english[1] == ("Proof of land ownership", "Deed of sale")


def _with_field(defn, **changes):
    data = copy.deepcopy(defn.to_dict())
    data["form"]["steps"][0]["fields"][0].update(changes)
    return data


@pytest.mark.parametrize(("changes", "message"), [
    ({"type": "checkbox"}, "unknown answer type 'checkbox'"),
    ({"check": "no_such_check"}, "unknown form check 'no_such_check'"),
    ({"max_length": 10}, "lengths apply only to text and long_text fields, not yes_no"),
    ({"lable": {"id": "x", "en": "y"}}, "did you mean 'label'"),
    ({"label": {"id": "Ada"}}, "label.en: required field is missing"),
    ({"shown_when": {"field": "residents", "equals": 1}}, "must be a field asked before"),
])
def test_a_bad_field_declaration_is_refused_with_its_path(pakumis, changes, message):
    with pytest.raises(DefinitionError) as refused:
        parse_definition(_with_field(pakumis, **changes), source="pakumis.yaml")
    assert "form.steps[0].fields[0]" in str(refused.value) and message in str(refused.value)


def test_a_condition_must_name_an_answer_the_field_can_have(pakumis):
    data = copy.deepcopy(pakumis.to_dict())
    data["form"]["steps"][0]["fields"][1]["shown_when"] = {"field": "owns_land", "equals": "ya"}
    with pytest.raises(DefinitionError, match="'ya' is not an answer of 'owns_land'"):
        parse_definition(data)


def test_named_check_runs_on_a_well_typed_value(pakumis):
    data = copy.deepcopy(pakumis.to_dict())
    data["form"]["steps"][0]["fields"].append(
        {"key": "built_on", "type": "date", "label": {"id": "Dibangun", "en": "Built"},
         "required": False, "check": "not_in_future"})
    form = parse_definition(data).form
    late = validate_answers(form, {"built_on": "2027-01-01"}, partial=True, today=TODAY)
    assert late.errors["built_on"]["id"] == "Tanggal tidak boleh melewati hari ini."
    assert validate_answers(form, {"built_on": "2001-01-01"}, partial=True, today=TODAY).ok
