"""SANITREN end to end through the right agencies; wrong agencies and roles are refused."""

import pytest
import sqlalchemy as sa

from app.applications.models import Decision, Disbursement, StageTask
from app.applications.workflow import WorkflowRefused
from app.audit.models import AuditEvent
from app.extensions import db
from app.notifications.models import Notification
from app.programs import budget
from tests.support.factories import create_staff
from tests.support.programs import (
    act,
    attach_for_stage,
    new_applicant_with_pesantren,
    open_program,
    sanitren_draft,
)


@pytest.fixture
def staff(db_session, programs):
    open_program("sanitren")
    return {
        "kemenag": create_staff("reviewer", "KEMENAG"),
        "bappeda": create_staff("reviewer", "BAPPEDA"),
        "head": create_staff("approver", "BAPPEDA"),
        "finance": create_staff("finance", "BPKAD"),
        "disdik": create_staff("reviewer", "DISDIK"),
    }


def submitted(staff):
    user, org = new_applicant_with_pesantren()
    application = sanitren_draft(user, org)
    act(application, "submit", user)
    return user, application


def test_sanitren_from_submission_to_completion(staff):
    user, application = submitted(staff)
    assert application.stage == "admin_verification"
    task = db.session.scalar(
        sa.select(StageTask).where(
            StageTask.application_id == application.id, StageTask.completed_dt.is_(None)
        )
    )
    assert task.role == "reviewer" and task.due_dt > application.submitted_dt

    act(application, "verify", staff["kemenag"])
    attach_for_stage(application, staff["bappeda"], types=("survey_photo",))
    act(application, "complete_survey", staff["bappeda"])
    act(application, "recommend", staff["bappeda"])
    act(application, "approve", staff["head"])
    assert application.amount_approved == 130_000_000
    assert budget.usage("sanitren", application.fiscal_year).reserved == 130_000_000

    attach_for_stage(application, user, stage="agreement")
    act(application, "sign", user)
    act(application, "countersign", staff["head"])
    act(application, "pay", staff["finance"], transfer_reference="SP2D-001")
    attach_for_stage(application, user, stage="progress_report")
    act(application, "submit_report", user)
    act(application, "accept", staff["bappeda"])
    act(application, "pay", staff["finance"], transfer_reference="SP2D-002")
    attach_for_stage(application, user, stage="lpj")
    act(application, "submit_lpj", user)
    act(application, "accept", staff["bappeda"])

    assert application.stage == "completed" and application.outcome == "completed"
    paid = db.session.scalars(
        sa.select(Disbursement).where(Disbursement.application_id == application.id)
    ).all()
    assert sorted((d.tranche_no, d.amount, d.status) for d in paid) == [
        (1, 91_000_000, "sent"),
        (2, 39_000_000, "sent"),
    ]
    decisions = db.session.scalars(
        sa.select(Decision).where(Decision.application_id == application.id)
    ).all()
    assert len(decisions) == 13 and all(d.audit_seq for d in decisions)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.seq)).where(
                AuditEvent.action.like("decision.%"), AuditEvent.object_id == str(application.id)
            )
        )
        == 13
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.application_id == application.id, Notification.template == "decided"
            )
        )
        >= 1
    )


def test_sanitren_rejected_at_decision_releases_nothing_and_notifies(staff):
    user, application = submitted(staff)
    act(application, "verify", staff["kemenag"])
    attach_for_stage(application, staff["bappeda"], types=("survey_photo",))
    act(application, "complete_survey", staff["bappeda"])
    act(application, "recommend", staff["bappeda"])
    act(application, "reject", staff["head"], reason="Lahan tidak memenuhi syarat")
    assert application.outcome == "rejected" and application.closed_dt is not None
    rejection = db.session.scalar(
        sa.select(Notification).where(
            Notification.application_id == application.id,
            Notification.template == "decided",
            Notification.channel == "inapp",
        )
    )
    assert rejection.context["outcome"] == "rejected"
    assert rejection.context["reason"] == "Lahan tidak memenuhi syarat"


def test_reject_without_reason_is_refused(staff):
    _, application = submitted(staff)
    with pytest.raises(WorkflowRefused) as refused:
        act(application, "reject", staff["kemenag"])
    assert refused.value.code == "reason_required"


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("disdik", "verify"),  # wrong agency
        ("bappeda", "verify"),  # right role, wrong agency for this stage
        ("head", "verify"),  # approver, not reviewer
        ("finance", "verify"),
    ],
)
def test_wrong_agency_or_role_is_refused(staff, who, action):
    _, application = submitted(staff)
    with pytest.raises(WorkflowRefused):
        act(application, action, staff[who])
    db.session.refresh(application)
    assert application.stage == "admin_verification"


def test_applicant_cannot_decide_on_own_file(staff):
    user, application = submitted(staff)
    from app.accounts.operations import grant_role

    grant_role(user, "reviewer", agency_code="KEMENAG")
    db.session.commit()
    with pytest.raises(WorkflowRefused) as refused:
        act(application, "verify", user)
    assert refused.value.code == "separation_of_duties"


def test_return_for_revision_then_resubmit_goes_back(staff):
    user, application = submitted(staff)
    act(application, "return", staff["kemenag"], reason="Akta yayasan buram, unggah ulang")
    assert application.stage == "revision"
    assert application.revision_note == "Akta yayasan buram, unggah ulang"
    assert application.revision_deadline is not None
    attach_for_stage(application, user, types=("legal_basis",))
    act(application, "resubmit", user)
    assert application.stage == "admin_verification"


def test_second_sanitren_for_the_same_pesantren_is_blocked(staff):
    user, application = submitted(staff)
    from app.applications import operations

    again = operations.create_draft(
        "sanitren",
        owner=user,
        organization=db.session.get(
            __import__("app.organizations.models", fromlist=["Organization"]).Organization,
            application.organization_id,
        ),
    )
    operations.update_answers(
        again, user, {"similar_aid_this_year": False, "sanitation_adequate": False}
    )
    db.session.commit()
    attach_for_stage(again, user)
    with pytest.raises(WorkflowRefused) as refused:
        act(again, "submit", user)
    assert "NSPP" in refused.value.message


def test_ineligible_pesantren_cannot_submit_with_reasons(staff):
    user, org = new_applicant_with_pesantren(registered=False)
    application = sanitren_draft(user, org)
    with pytest.raises(WorkflowRefused):
        act(application, "submit", user)
    results = {r["key"]: r for r in application.eligibility["results"]}
    assert results["registered_with_kemenag"]["outcome"] == "fail"
    assert results["registered_with_kemenag"]["reason"]["id"]


def test_withdraw_releases_the_budget(staff):
    user, application = submitted(staff)
    act(application, "verify", staff["kemenag"])
    attach_for_stage(application, staff["bappeda"], types=("survey_photo",))
    act(application, "complete_survey", staff["bappeda"])
    act(application, "recommend", staff["bappeda"])
    act(application, "approve", staff["head"])
    before = budget.usage("sanitren", application.fiscal_year).reserved
    act(application, "withdraw", user, reason="Pembangunan dibiayai donatur")
    assert application.outcome == "withdrawn"
    assert budget.usage("sanitren", application.fiscal_year).reserved == before - 130_000_000


def test_stale_version_is_already_handled(staff):
    _, application = submitted(staff)
    from sqlalchemy.orm.attributes import set_committed_value

    from app.applications.workflow import AlreadyHandled, fire
    from tests.support.programs import fields_for

    seen, stage = application.version, application.stage
    fields = fields_for(application, "verify")
    act(application, "verify", staff["kemenag"])
    # a second reviewer's page still shows the state read before the first decision
    set_committed_value(application, "version", seen)
    set_committed_value(application, "stage", stage)
    with pytest.raises(AlreadyHandled):
        fire(application, "verify", staff["kemenag"], fields=fields)
    db.session.rollback()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Decision.id)).where(
                Decision.application_id == application.id, Decision.action == "verify"
            )
        )
        == 1
    )


def test_usage_is_queryable_per_program_year_and_kecamatan(staff):
    _, application = submitted(staff)
    act(application, "verify", staff["kemenag"])
    attach_for_stage(application, staff["bappeda"], types=("survey_photo",))
    act(application, "complete_survey", staff["bappeda"])
    act(application, "recommend", staff["bappeda"])
    act(application, "approve", staff["head"])
    by_kecamatan = budget.usage_by_kecamatan("sanitren", application.fiscal_year)
    assert by_kecamatan == {"36.03.01": (1, 130_000_000)}
    usage = budget.usage("sanitren", application.fiscal_year)
    assert usage.remaining == usage.ceiling - 130_000_000
