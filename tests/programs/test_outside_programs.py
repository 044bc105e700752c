"""Definitions outside the repo are first-class: a PROGRAMS_DIR program naming an agency the
database lacks neither crashes `flask demo-data` nor any page; a broken file is listed by
`flask programs validate`, not hidden behind a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.programs.models import Program
from tests.conftest import committing_app_context, post_form

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "workflows" / "fixtures"
DEMO_PASSWORD = "Demo-Sibantu-2026"  # noqa: S105  (the printed demo password)
PAGES = [
    "/", "/program", "/program/pakumis", "/transparansi/", "/api/v1/programs",
    "/api/v1/programs/pakumis", "/api/v1/programs/pakumis/form",
]
LOGGED_IN = {
    "admin@demo.sibantu.id": ["/admin/program", "/admin/program/pakumis", "/staf/dasbor",
                              "/admin/opd/"],
    "operator.desa@demo.sibantu.id": ["/portal/operator", "/portal/program/pakumis/ajukan",
                                      "/portal/program/pakumis/cek"],
    "pesantren@demo.sibantu.id": ["/portal", "/portal/program/pakumis/ajukan",
                                  "/portal/program/pakumis/cek"],
    "verifikator.kemenag@demo.sibantu.id": ["/staf/antrean", "/staf/dasbor"],
}


@pytest.fixture
def outside_app(template_url, backend):
    with committing_app_context(
        template_url, backend, PROGRAMS_DIR=str(FIXTURES), RATELIMIT_ENABLED=False
    ) as app:
        yield app


def pages_answer_without_error(app) -> None:
    client = app.test_client()
    for url in PAGES:
        assert client.get(url).status_code < 500, url
    for email, urls in LOGGED_IN.items():
        client = app.test_client()
        response = post_form(client, "/masuk", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        for url in urls:
            assert client.get(url).status_code < 500, (email, url)


def synced_programs(app) -> set[str]:
    with app.app_context():
        keys = set(db.session.scalars(sa.select(Program.key)))
        db.session.remove()
    return keys


def test_demo_data_and_pages_tolerate_a_program_naming_a_new_agency(outside_app):
    runner = outside_app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "pakumis: agency 'DPRKPP' does not exist" in result.output
    assert "pakumis" not in synced_programs(outside_app)
    pages_answer_without_error(outside_app)

    added = runner.invoke(args=["agencies", "add", "DPRKPP", "Dinas Perumahan dan Permukiman"])
    assert added.exit_code == 0, added.output
    assert "Program pakumis yang menunggu OPD ini kini tercatat" in added.output
    assert "pakumis" in synced_programs(outside_app)
    assert runner.invoke(args=["programs", "validate"]).exit_code == 0
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 0 and "DPRKPP" not in again.output, again.output
    assert "pakumis" in synced_programs(outside_app)
    pages_answer_without_error(outside_app)


def test_validate_lists_the_problems_of_a_broken_programs_dir_file(tmp_path):
    (tmp_path / "broken.yaml").write_text("key: broken\nversion: x\n")
    (tmp_path / "pakumis.yaml").write_text((FIXTURES / "pakumis.yaml").read_text())
    env = {
        **os.environ, "FLASK_APP": "app", "PROGRAMS_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "programs", "validate", "--no-db"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert "broken.yaml: version: must be a whole number" in output
    assert "pakumis.yaml: agencies[0]: unknown agency 'DPRKPP'" in output


def test_the_app_still_refuses_to_serve_a_broken_file(database_url, tmp_path):
    from app import create_app
    from tests.conftest import make_config
    from workflows import DefinitionError

    (tmp_path / "broken.yaml").write_text("key: broken\nversion: x\n")
    with pytest.raises(DefinitionError, match="broken.yaml"):
        create_app(make_config(database_url, PROGRAMS_DIR=str(tmp_path), PROGRAMS_STRICT=True))
