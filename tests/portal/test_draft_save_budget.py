"""The draft save's database work: the request as the browser sends it, statements counted.

On a committing app (a fresh database, the application's own session settings): the tests'
rolled-back session keeps objects loaded across commits and would hide a reload after one."""

from types import SimpleNamespace

import sqlalchemy as sa

from app.demo import ensure_reference_data
from app.extensions import db
from tests.conftest import csrf_from
from tests.portal.conftest import login
from tests.support.factories import create_applicant
from tests.support.programs import make_pesantren, open_program, sanitren_draft

ANSWERS = {"similar_aid_this_year": "tidak", "sanitation_adequate": "tidak",
           "resident_santri": "120", "toilet_count": "4"}
#: session (with roles), application, answers UPDATE, audit chain head (locked), audit INSERT;
#: SQLite's ``BEGIN IMMEDIATE`` (app/db.py takes the write lock up front) is a statement of its own
DRAFT_SAVE_BUDGET = {"postgresql": 5, "sqlite": 6}


def test_draft_save_stays_within_its_statement_budget(committing_app, tmp_path):
    committing_app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    with committing_app.app_context():
        ensure_reference_data()
        db.session.commit()
        open_program("sanitren")
        applicant = create_applicant()
        draft_id = sanitren_draft(applicant, make_pesantren(applicant)).id
        email = applicant.email
        dialect = db.engine.dialect.name
        db.session.remove()
    client = committing_app.test_client()
    login(client, SimpleNamespace(email=email))  # the helper reads the e-mail only
    url = f"/portal/permohonan/{draft_id}/isian"
    token = csrf_from(client, url)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split())[:80])

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        response = client.post(url, data={"csrf_token": token, **ANSWERS})
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/portal/permohonan/{draft_id}/dokumen")
    budget = DRAFT_SAVE_BUDGET[dialect]
    assert len(statements) <= budget, f"{len(statements)} (budget {budget}): {statements}"
