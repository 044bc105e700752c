"""A login's database work, counted on a committing app (the application's own session settings:
a commit expires what was loaded, as in production). Every applicant and reviewer logs in at the
start of the day, so each statement here is paid a few thousand times in a few minutes."""

import sqlalchemy as sa

from app.demo import ensure_reference_data
from app.extensions import db
from tests.conftest import csrf_from
from tests.support.factories import PASSWORD, create_staff

#: user (by e-mail) with its roles in one query (the relationship's ``selectin`` was a second),
#: last-login UPDATE, session INSERT, audit chain head (locked), audit INSERT. The landing page is
#: chosen before the commit: after it the user and roles were loaded again (two more). SQLite's
#: ``BEGIN IMMEDIATE`` is a statement of its own.
LOGIN_BUDGET = {"postgresql": 5, "sqlite": 6}


def test_a_login_stays_within_its_statement_budget(committing_app):
    with committing_app.app_context():
        ensure_reference_data()
        email = create_staff("reviewer", "KEMENAG").email
        db.session.commit()
        dialect = db.engine.dialect.name
        db.session.remove()
    client = committing_app.test_client()
    token = csrf_from(client, "/masuk")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split())[:80])

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        response = client.post("/masuk", data={"csrf_token": token, "email": email,
                                               "password": PASSWORD})
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staf/antrean")  # a reviewer's landing page
    budget = LOGIN_BUDGET[dialect]
    assert len(statements) <= budget, f"{len(statements)} (budget {budget}): {statements}"
    # the audit chain's lock is taken after every other write: held for the event and the commit
    head, event = statements[-2:]
    assert "audit_chain_head" in head or head.startswith("SELECT audit_events.seq"), statements
    assert event.startswith("INSERT INTO audit_events"), statements
