"""A program defined only in a test fixture directory runs end to end: adding a program needs
data (a definition file and its agency), not an engine change."""

from pathlib import Path

import pytest

from app.agencies.models import Agency
from app.applications import operations
from app.applications.workflow import WorkflowRefused
from app.extensions import db
from app.programs.operations import ProgramConflict, sync_program
from app.programs.registry import registry
from tests.conftest import committing_app_context
from tests.support.factories import create_staff
from tests.support.programs import act, attach_for_stage, make_person, open_program

FIXTURES = Path(__file__).resolve().parents[1] / "workflows" / "fixtures"


@pytest.fixture
def pakumis_app(template_url, backend):
    from app.demo import ensure_reference_data

    context = committing_app_context(template_url, backend, PROGRAMS_DIR=str(FIXTURES))
    with context as app, app.app_context():
        ensure_reference_data({"sanitren"})
        db.session.commit()
        yield app
        db.session.remove()


def test_program_needs_its_agency_before_it_can_be_synced(pakumis_app):
    defn = registry().current("pakumis")
    assert defn is not None
    with pytest.raises(ProgramConflict, match="DPRKPP"):
        sync_program(defn)


def test_fixture_program_runs_end_to_end(pakumis_app):
    db.session.add(Agency(code="DPRKPP", name="Dinas Perumahan, Kawasan Permukiman dan Pertanahan"))
    db.session.commit()
    sync_program(registry().current("pakumis"))
    db.session.commit()
    open_program("pakumis")
    defn = registry().current("pakumis")
    operator = create_staff("village_operator", region_code="36.03.01.2003")
    owner = make_person(name="Bapak Sarmin", user=operator, dtks=True)
    application = operations.create_draft(
        "pakumis", owner=operator, person=owner, nominated_by=operator
    )
    operations.update_answers(application, operator, _answers(defn))
    db.session.commit()
    attach_for_stage(application, operator)
    staff = {
        "reviewer": create_staff("reviewer", "DPRKPP"),
        "approver": create_staff("approver", "DPRKPP"),
    }
    steps = 0
    while not application.is_closed and steps < 20:
        transition = _forward(defn, application.stage)
        actor = _actor_for(transition, staff, operator)
        attach_for_stage(application, actor, types=tuple(transition.requires_documents))
        act(application, transition.action, actor)
        steps += 1
    assert application.outcome == "completed"
    with pytest.raises(WorkflowRefused):
        act(application, "approve", staff["approver"])


def _answers(defn) -> dict:
    keys = {
        c.fact.removeprefix("answers.")
        for r in defn.eligibility
        for c in _conditions(r.check)
        if c.fact.startswith("answers.")
    }
    return {key: True for key in keys}


def _conditions(check):
    for attr in ("items",):
        if hasattr(check, attr):
            for item in getattr(check, attr):
                yield from _conditions(item)
            return
    if hasattr(check, "item"):
        yield from _conditions(check.item)
        return
    yield check


def _forward(defn, stage: str):
    """The first transition from ``stage`` that needs no reason (the happy path)."""
    return next(
        t
        for t in defn.transitions_from(stage)
        if not t.reason_required and t.action != "withdraw" and not t.returns_to_sender
    )


def _actor_for(transition, staff, operator):
    if "approver" in transition.roles:
        return staff["approver"]
    if "reviewer" in transition.roles:
        return staff["reviewer"]
    return operator


def test_a_document_type_may_hold_several_files(pakumis_app):
    """``max_files: 3`` on house_photos: three stay current, a fourth replaces the oldest."""
    from app.applications import documents
    from tests.support.programs import JPG

    db.session.add(Agency(code="DPRKPP", name="Dinas Perumahan, Kawasan Permukiman dan Pertanahan"))
    db.session.commit()
    sync_program(registry().current("pakumis"))
    db.session.commit()
    open_program("pakumis")
    operator = create_staff("village_operator", region_code="36.03.01.2003")
    owner = make_person(name="Ibu Warsih", user=operator, dtks=True)
    application = operations.create_draft("pakumis", owner=operator, person=owner,
                                          nominated_by=operator)
    for n in range(1, 5):
        documents.attach(application, "house_photos", f"rumah-{n}.jpg", JPG, operator)
        documents.attach(application, "ktp", f"ktp-{n}.jpg", JPG, operator)
    db.session.commit()
    current = sorted((d.doc_type, d.filename) for d in application.current_documents())
    assert current == [("house_photos", "rumah-2.jpg"), ("house_photos", "rumah-3.jpg"),
                       ("house_photos", "rumah-4.jpg"), ("ktp", "ktp-4.jpg")]
    assert len(application.documents) == 8  # every version stays on record
