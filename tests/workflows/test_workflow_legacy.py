"""Snapshots pinned before `submits` and declared forms read the way they ran."""

from pathlib import Path

import yaml

from workflows import parse_definition
from workflows.legacy import upgrade

FIXTURE = Path(__file__).parent / "snapshots" / "sanitren_v1.yaml"


def test_version_one_snapshot_submits_where_it_used_to():
    data = yaml.safe_load(FIXTURE.read_text())
    assert not any("submits" in t for t in data["transitions"])
    defn = parse_definition(data, source="db:sanitren@1")
    submitting = {(t.from_stage, t.action) for t in defn.transitions if t.submits}
    assert ("draft", "submit") in submitting
    assert defn.form.legacy_name == "sanitren"
    not_submitting = {t.action for t in defn.transitions if not t.submits}
    assert "verify" in not_submitting and "approve" in not_submitting


def test_a_declared_definition_is_taken_as_written():
    data = yaml.safe_load(FIXTURE.read_text())
    data["form"] = {"steps": []}
    for t in data["transitions"]:
        t["submits"] = False
    assert upgrade(data) is data
