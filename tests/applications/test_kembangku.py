"""KEMBANGKU: cooperative capital, scored by Diskopum, repaid and closed."""

import pytest

from app.applications import operations
from app.applications.workflow import WorkflowRefused
from app.extensions import db
from app.programs import budget
from tests.support.factories import create_applicant, create_staff
from tests.support.programs import act, attach_for_stage, make_koperasi, open_program


@pytest.fixture
def staff(db_session, programs):
    open_program("kembangku")
    return {
        "reviewer": create_staff("reviewer", "DISKOPUM"),
        "head": create_staff("approver", "DISKOPUM"),
        "finance": create_staff("finance", "BPKAD"),
        "kemenag": create_staff("reviewer", "KEMENAG"),
    }


def proposal(amount=50_000_000):
    user = create_applicant(name="Ketua Koperasi")
    org = make_koperasi(user)
    application = operations.create_draft("kembangku", owner=user, organization=org)
    operations.update_answers(
        application, user, {"requested_amount": amount}, amount_requested=amount
    )
    db.session.commit()
    attach_for_stage(application, user)
    act(application, "submit", user)
    return user, application


def test_kembangku_from_proposal_to_repaid(staff):
    user, application = proposal()
    act(application, "verify", staff["reviewer"])
    act(application, "score", staff["reviewer"], recommended_amount=40_000_000)
    act(application, "approve", staff["head"], approved_amount=40_000_000)
    assert application.amount_approved == 40_000_000
    assert budget.usage("kembangku", application.fiscal_year).reserved == 40_000_000
    attach_for_stage(application, user, stage="agreement")
    act(application, "sign", user)
    act(application, "pay", staff["finance"], transfer_reference="SP2D-KOP-1")
    assert application.stage == "monitoring"
    attach_for_stage(application, user, stage="monitoring")
    act(application, "submit_report", user)
    with pytest.raises(WorkflowRefused):
        act(application, "close", staff["reviewer"])  # not repaid yet
    act(application, "accept_report", staff["reviewer"], outstanding_principal=0)
    attach_for_stage(application, user, stage="monitoring")
    act(application, "submit_report", user)
    act(application, "close", staff["reviewer"])
    assert application.outcome == "completed"


def test_kembangku_rejected_at_feasibility(staff):
    _, application = proposal()
    act(application, "verify", staff["reviewer"])
    act(application, "reject", staff["reviewer"], reason="Usaha belum layak dibiayai")
    assert application.outcome == "rejected"


def test_amount_outside_range_cannot_be_submitted(db_session, programs):
    open_program("kembangku")
    with pytest.raises(WorkflowRefused) as refused:
        proposal(amount=500_000_000)
    assert refused.value.code == "guard"


def test_other_agency_cannot_score(staff):
    _, application = proposal()
    act(application, "verify", staff["reviewer"])
    with pytest.raises(WorkflowRefused):
        act(application, "score", staff["kemenag"])
    with pytest.raises(WorkflowRefused):
        act(application, "score", staff["head"])  # approver, not reviewer
