"""Applications finish on the definition version they started on; new ones take the new version."""

from pathlib import Path

import pytest
import yaml

from app import create_app
from app.applications import operations, workflow
from app.extensions import db
from app.programs.operations import sync_program
from app.programs.registry import registry
from tests.conftest import committing_app_context, make_config
from tests.support.programs import attach_for_stage, new_applicant_with_pesantren, open_program
from workflows import DEFINITIONS_DIR, DefinitionError


def version_two(folder: Path) -> None:
    data = yaml.safe_load((Path(DEFINITIONS_DIR) / "sanitren.yaml").read_text())
    data["version"] = 3
    data["initial_stage"] = "usulan"
    for stage in data["stages"]:
        if stage["key"] == "draft":
            stage["key"] = "usulan"
    for transition in data["transitions"]:
        if transition["from"] == "draft":
            transition["from"] = "usulan"
    (folder / "sanitren.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))


def test_in_flight_application_keeps_its_version(template_url, backend, tmp_path):
    with committing_app_context(template_url, backend) as v1_app:
        _check_pinning(v1_app, tmp_path)


def _check_pinning(v1_app, tmp_path):
    with v1_app.app_context():
        from app.demo import ensure_reference_data

        ensure_reference_data()
        db.session.commit()
        open_program("sanitren")
        user, org = new_applicant_with_pesantren()
        old = operations.create_draft("sanitren", owner=user, organization=org)
        db.session.commit()
        old_id, url = old.id, v1_app.config["SQLALCHEMY_DATABASE_URI"]
        db.session.remove()

    version_two(tmp_path)
    v2_app = create_app(make_config(url, PROGRAMS_DIR=str(tmp_path)))
    with v2_app.app_context():
        assert registry().current("sanitren").version == 3
        sync_program(registry().current("sanitren"))
        db.session.commit()
        old = db.session.get(type(old), old_id)
        assert workflow.definition_of(old).version == 2
        user = db.session.get(type(user), old.owner_user_id)
        operations.update_answers(
            old, user, {"similar_aid_this_year": False, "sanitation_adequate": False}
        )
        attach_for_stage(old, user)
        workflow.fire(old, "submit", user)
        db.session.commit()
        assert old.stage == "admin_verification" and old.definition_version == 2
        new = operations.create_draft(
            "sanitren", owner=user, organization=db.session.get(type(org), old.organization_id)
        )
        assert (new.definition_version, new.stage) == (3, "usulan")
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_app_refuses_to_start_on_an_invalid_definition(tmp_path, database_url):
    (tmp_path / "rusak.yaml").write_text("key: rusak\nversion: 1\nstages: []\n")
    with pytest.raises(DefinitionError, match="rusak.yaml"):
        create_app(make_config(database_url, PROGRAMS_DIR=str(tmp_path)))
