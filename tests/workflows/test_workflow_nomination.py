"""``nomination:``: an operator proposes people for a program; self-application may be refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from workflows import DefinitionError, parse_definition

FILE = Path(__file__).parent / "fixtures" / "pakumis.yaml"


@pytest.fixture
def data():
    return yaml.safe_load(FILE.read_text(encoding="utf-8"))


def problems(data) -> str:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data, source="pakumis.yaml")
    return str(caught.value)


def test_pakumis_declares_village_nomination_without_self_application(data):
    defn = parse_definition(data)
    assert defn.nomination.by == "village_operator"
    assert defn.refuses_self_application()
    assert defn.nomination.column_of("owns_land") == "tanah_milik_sendiri"
    assert defn.nomination.column_of("unnamed") == "unnamed"
    assert parse_definition(defn.to_dict()) == defn


def test_definitions_without_nomination_keep_their_digest(definitions):
    sanitren = definitions["sanitren"]
    assert sanitren.nomination is None and "nomination" not in sanitren.to_dict()
    assert not sanitren.refuses_self_application()


def test_guru_ngaji_is_nominated_by_the_village_and_teachers_may_still_apply(definitions):
    defn = definitions["guru_ngaji"]
    assert defn.nomination.by == "village_operator" and not defn.refuses_self_application()
    assert defn.nomination.column_of("pupil_count") == "jumlah_santri"


@pytest.mark.parametrize(("change", "says"), [
    ({"by": "bupati"}, "nomination.by: unknown operator role 'bupati'"),
    ({"self_application": "no"}, "nomination.self_application: must be true or false"),
    ({"columns": {"rooms": "kamar"}}, "nomination.columns.rooms: unknown form field 'rooms'"),
    ({"columns": {"residents": "nik"}}, "would use the column 'nik' of the person's identity"),
    ({"columns": {"residents": "kondisi", "house_condition": "kondisi"}},
     "column 'kondisi' used by"),
    ({"columns": {"residents": "Jumlah Penghuni"}}, "nomination.columns.residents"),
    ({"by": "school_operator"}, "lists 'school_operator' in its roles"),
    ({"colums": {}}, "nomination.colums"),
])
def test_bad_nomination_declarations_are_refused(data, change, says):
    data["nomination"] = {**data["nomination"], **change}
    assert says in problems(data)


def test_nominated_program_must_take_people(data):
    data["applicant_kinds"] = ["koperasi"]
    assert "applicant_kinds must list perorangan" in problems(data)
