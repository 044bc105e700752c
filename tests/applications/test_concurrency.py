"""Races on real PostgreSQL: threads started together against committed data.

Each protected run has a control run with the protection switched off, to show the test would
catch the race if the protection were missing.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from app.applications import workflow
from app.applications.models import Application, Decision
from app.extensions import db
from app.programs import budget
from app.programs.models import BudgetReservation, ProgramBudget
from tests.support.factories import create_staff
from tests.support.programs import (
    act,
    attach_for_stage,
    fields_for,
    new_applicant_with_pesantren,
    open_program,
    sanitren_draft,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
THREADS = 50


@pytest.fixture
def race_app(template_url, backend):
    from tests.conftest import committing_app_context
    from tests.support import services

    services.need("PostgreSQL", backend == "postgresql")
    options = {"pool_size": THREADS + 5, "max_overflow": 10, "pool_pre_ping": True}
    with committing_app_context(template_url, backend, SQLALCHEMY_ENGINE_OPTIONS=options) as app:
        with app.app_context():
            from app.demo import ensure_reference_data

            ensure_reference_data()
            db.session.commit()
            open_program("sanitren")
        yield app


def _at_stage(app, stage: str) -> tuple[int, int]:
    """A SANITREN application moved to ``stage``; returns (application id, acting user id)."""
    with app.app_context():
        user, org = new_applicant_with_pesantren()
        application = sanitren_draft(user, org)
        kemenag, bappeda = create_staff("reviewer", "KEMENAG"), create_staff("reviewer", "BAPPEDA")
        head = create_staff("approver", "BAPPEDA")
        act(application, "submit", user)
        act(application, "verify", kemenag)
        attach_for_stage(application, bappeda, types=("survey_photo",))
        act(application, "complete_survey", bappeda)
        actor = bappeda
        if stage == "decision":
            act(application, "recommend", bappeda)
            actor = head
        assert application.stage == stage
        ids = application.id, actor.id
        db.session.remove()
        return ids


def _race(app, application_id: int, user_id: int, action: str, *, guarded: bool) -> list[str]:
    barrier = threading.Barrier(THREADS)

    def attempt(_):
        from app.accounts.models import User

        with app.app_context():
            try:
                application = db.session.get(Application, application_id)
                user = db.session.get(User, user_id)
                fields = fields_for(application, action)
            except Exception as error:  # e.g. no connection: say so instead of hanging others
                barrier.abort()
                return f"setup failed: {error!r}"
            barrier.wait(timeout=120)
            try:
                workflow.fire(application, action, user, fields=fields, guarded=guarded)
                db.session.commit()
                return "ok"
            except workflow.WorkflowRefused as refused:
                db.session.rollback()
                return refused.code
            except sa.exc.DBAPIError as error:
                db.session.rollback()
                return type(error.orig).__name__
            finally:
                db.session.remove()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(attempt, range(THREADS)))


def _decisions(app, application_id: int, action: str) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(Decision.id)).where(
                Decision.application_id == application_id, Decision.action == action
            )
        )


@pytest.mark.parametrize(
    ("stage", "action"), [("recommendation", "recommend"), ("decision", "approve")]
)
def test_fifty_concurrent_decisions_exactly_one_succeeds(race_app, stage, action):
    application_id, user_id = _at_stage(race_app, stage)
    results = _race(race_app, application_id, user_id, action, guarded=True)
    assert results.count("ok") == 1, results
    assert set(results) - {"ok"} <= {"already_handled", "unknown_action"}
    assert _decisions(race_app, application_id, action) == 1
    if action == "approve":
        with race_app.app_context():
            reserved = db.session.scalar(
                sa.select(sa.func.count(BudgetReservation.id)).where(
                    BudgetReservation.application_id == application_id
                )
            )
            assert reserved == 1


def test_control_without_the_version_guard_lets_several_through(race_app):
    application_id, user_id = _at_stage(race_app, "recommendation")
    results = _race(race_app, application_id, user_id, "recommend", guarded=False)
    assert results.count("ok") > 1, "the race did not show; the guarded test would prove nothing"
    assert _decisions(race_app, application_id, "recommend") > 1


def _drafts(app, count: int) -> list[int]:
    from app.applications import operations

    with app.app_context():
        user, org = new_applicant_with_pesantren()
        ids = [
            operations.create_draft("sanitren", owner=user, organization=org).id
            for _ in range(count)
        ]
        db.session.commit()
        db.session.remove()
        return ids


def _set_ceiling(app, ceiling: int) -> int:
    with app.app_context():
        row = db.session.scalar(
            sa.select(ProgramBudget).where(ProgramBudget.program_key == "sanitren")
        )
        row.ceiling, row.reserved = ceiling, 0
        year = row.fiscal_year
        db.session.execute(sa.update(Application).values(fiscal_year=year))
        db.session.commit()
        db.session.remove()
        return year


def _reserve_all(app, ids: list[int], *, guarded: bool) -> list[str]:
    barrier = threading.Barrier(THREADS)

    def attempt(application_id):
        with app.app_context():
            defn = budget_definition()
            application = db.session.get(Application, application_id)
            if application_id in ids[:THREADS]:
                barrier.wait(timeout=120)
            try:
                budget.reserve(defn, application, 1, guarded=guarded)
                db.session.commit()
                return "ok"
            except budget.BudgetExceeded:
                db.session.rollback()
                return "exceeded"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(attempt, ids))


def budget_definition():
    from app.programs.registry import registry

    return registry().current("sanitren")


def _budget_state(app, year: int) -> tuple[int, int]:
    with app.app_context():
        reserved = db.session.scalar(
            sa.select(ProgramBudget.reserved).where(
                ProgramBudget.program_key == "sanitren", ProgramBudget.fiscal_year == year
            )
        )
        rows = db.session.scalar(
            sa.select(sa.func.count(BudgetReservation.id)).where(
                BudgetReservation.status == "reserved"
            )
        )
        return reserved, rows


def test_ceiling_of_100_with_200_concurrent_reservations(race_app):
    ids = _drafts(race_app, 200)
    year = _set_ceiling(race_app, 100)
    results = _reserve_all(race_app, ids, guarded=True)
    assert results.count("ok") == 100
    assert _budget_state(race_app, year) == (100, 100)


def test_control_read_check_write_overruns_the_ceiling(race_app):
    ids = _drafts(race_app, 200)
    year = _set_ceiling(race_app, 100)
    results = _reserve_all(race_app, ids, guarded=False)
    reserved, rows = _budget_state(race_app, year)
    assert rows == results.count("ok")
    assert rows > reserved, "no lost update showed; the guarded test would prove nothing"


def submit_in_another_tab(app, application_id: int, user_id: int) -> None:
    """The applicant's other tab submits, in its own thread, session and transaction (committed
    before this returns)."""
    from app.accounts.models import User

    def submit() -> None:
        with app.app_context():
            act(db.session.get(Application, application_id), "submit",
                db.session.get(User, user_id))

    thread = threading.Thread(target=submit)
    thread.start()
    thread.join(60)


def test_a_draft_save_racing_the_submit_changes_nothing_after_it(race_app):
    """The applicant's second tab saves answers it read before the first tab submitted: the
    save is refused (the row's version and stage moved on), so the answers the submit froze
    (its decision's digest) stay the application's answers."""
    from app.accounts.models import User
    from app.applications.operations import ApplicationError, update_answers
    from app.audit.operations import freeze

    with race_app.app_context():
        user, org = new_applicant_with_pesantren()
        application_id, user_id = sanitren_draft(user, org).id, user.id
        db.session.remove()

    with race_app.app_context():  # the second tab: read before the submit
        stale = db.session.get(Application, application_id)
        owner = db.session.get(User, user_id)
        assert stale.stage == "draft"

        submit_in_another_tab(race_app, application_id, user_id)
        with pytest.raises(ApplicationError, match="baru saja berubah"):
            update_answers(stale, owner, {"resident_santri": 5})
        db.session.rollback()

    with race_app.app_context():
        application = db.session.get(Application, application_id)
        assert application.stage != "draft" and application.answers["resident_santri"] == 120
        submitted = db.session.scalar(sa.select(Decision).where(
            Decision.application_id == application_id, Decision.action == "submit"))
        assert freeze(application, application.current_documents())["answers_digest"] == \
            submitted.answers_digest


def test_the_portal_keeps_the_typed_answers_when_the_submit_wins_the_race(race_app):
    """Through the portal: the applicant's save is posted while another tab's submit commits
    between the page's read and its UPDATE (a hook on the engine runs the real submit at that
    moment). The page answers 409, says why, and keeps what was typed; nothing is overwritten."""
    from tests.conftest import csrf_from, post_form
    from tests.support.factories import PASSWORD

    with race_app.app_context():
        user, org = new_applicant_with_pesantren()
        application_id, user_id, email = sanitren_draft(user, org).id, user.id, user.email
        db.session.remove()
    client = race_app.test_client()
    assert post_form(client, "/masuk", {"email": email, "password": PASSWORD}).status_code == 302
    url = f"/portal/permohonan/{application_id}/isian"
    token = csrf_from(client, url)

    def submit_first(conn, cursor, statement, *args):
        if statement.startswith("UPDATE applications SET answers") and not raced:
            raced.append(True)
            submit_in_another_tab(race_app, application_id, user_id)

    raced: list[bool] = []
    with race_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", submit_first)
    try:
        response = client.post(url, data={
            "csrf_token": token, "similar_aid_this_year": "tidak",
            "sanitation_adequate": "tidak", "resident_santri": "777", "toilet_count": "4"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", submit_first)
    assert raced, "the save never reached its UPDATE"
    page = response.get_data(as_text=True)
    assert response.status_code == 409, page[:2000]
    assert "baru saja berubah" in page and 'value="777"' in page
    with race_app.app_context():
        application = db.session.get(Application, application_id)
        assert application.stage != "draft" and application.answers["resident_santri"] == 120
