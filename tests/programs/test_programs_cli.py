"""`flask programs validate` and `sync`: files, and files against what the database holds."""

from pathlib import Path

import yaml

from app.applications import operations
from app.extensions import db
from app.programs.models import Program, ProgramVersion
from tests.support.programs import new_applicant_with_pesantren
from workflows import DEFINITIONS_DIR

SANITREN = Path(DEFINITIONS_DIR) / "sanitren.yaml"


def write(tmp_path: Path, data: dict, name: str = "sanitren.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def shipped() -> dict:
    return yaml.safe_load(SANITREN.read_text())


def test_all_shipped_definitions_validate(app, db_session, programs):
    result = app.test_cli_runner().invoke(args=["programs", "validate"])
    assert result.exit_code == 0, result.output
    assert "4 definisi program valid" in result.output


def test_invalid_file_fails_with_file_path_and_problem(app, db_session, tmp_path):
    data = shipped()
    data["transitions"][0]["to"] = "nowhere"
    path = write(tmp_path, data)
    result = app.test_cli_runner().invoke(args=["programs", "validate", "--no-db", str(path)])
    assert result.exit_code != 0
    assert "sanitren.yaml" in result.output and "nowhere" in result.output


def test_changed_definition_with_same_version_is_refused(app, db_session, programs, tmp_path):
    data = shipped()
    data["amount"]["value"] = 140_000_000
    result = app.test_cli_runner().invoke(args=["programs", "validate", str(write(tmp_path, data))])
    assert result.exit_code != 0
    assert "increase `version`" in result.output


def renamed_draft_stage(version: int) -> dict:
    data = shipped()
    data["version"] = version
    data["initial_stage"] = "proposal"
    for stage in data["stages"]:
        if stage["key"] == "draft":
            stage["key"] = "proposal"
    for transition in data["transitions"]:
        if transition["from"] == "draft":
            transition["from"] = "proposal"
    return data


def test_removing_a_stage_live_applications_sit_in_is_refused(app, db_session, programs, tmp_path):
    user, org = new_applicant_with_pesantren()
    operations.create_draft("sanitren", owner=user, organization=org)
    db.session.commit()
    path = write(tmp_path, renamed_draft_stage(version=2))
    result = app.test_cli_runner().invoke(args=["programs", "validate", str(path)])
    assert result.exit_code != 0
    assert "'draft' was removed or renamed" in result.output


def test_a_new_version_may_rename_stages_because_live_applications_stay_pinned(
    app, db_session, programs, tmp_path
):
    user, org = new_applicant_with_pesantren()
    draft = operations.create_draft("sanitren", owner=user, organization=org)
    db.session.commit()
    path = write(tmp_path, renamed_draft_stage(version=3))
    result = app.test_cli_runner().invoke(args=["programs", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert draft.definition_version == 2


def test_sync_is_idempotent_and_pins_versions(app, db_session, programs):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["programs", "sync"]).exit_code == 0
    assert db.session.query(ProgramVersion).filter_by(program_key="sanitren").count() == 1
    assert db.session.get(Program, "sanitren").current_version == 2


FIXTURES = Path(__file__).resolve().parents[1] / "workflows" / "fixtures"


def test_validate_without_files_checks_programs_dir_too(database_url, tmp_path):
    from app import create_app
    from tests.conftest import make_config

    data = yaml.safe_load((FIXTURES / "pakumis.yaml").read_text())
    data["agencies"] = ["BAPPEDA"]
    for stage in data["stages"]:
        if stage.get("agency"):
            stage["agency"] = "BAPPEDA"
    write(tmp_path, data, "pakumis.yaml")
    app = create_app(make_config(database_url, PROGRAMS_DIR=str(tmp_path)))
    result = app.test_cli_runner().invoke(args=["programs", "validate", "--no-db"])
    assert result.exit_code == 0, result.output
    assert "5 definisi program valid" in result.output
    data["form"]["steps"][0]["fields"][1]["shown_when"]["field"] = "house_condition"
    data["form"]["steps"][0]["fields"][2]["check"] = "no_such_check"
    write(tmp_path, data, "pakumis.yaml")
    result = app.test_cli_runner().invoke(args=["programs", "validate", "--no-db"])
    assert result.exit_code != 0
    assert "pakumis.yaml: form.steps[0].fields[1].shown_when.field" in result.output
    assert "unknown form check 'no_such_check'" in result.output


def test_a_file_naming_a_python_form_is_refused_at_validation(app, db_session, tmp_path):
    data = shipped()
    data["form"] = "sanitren"
    result = app.test_cli_runner().invoke(
        args=["programs", "validate", "--no-db", str(write(tmp_path, data))]
    )
    assert result.exit_code != 0
    assert "sanitren.yaml: form: 'sanitren' names a Python form class" in result.output
