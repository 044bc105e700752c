"""Insentif Guru Ngaji: nominated by the village, decided by Kesra, paid by BPKAD."""

import pytest
import sqlalchemy as sa

from app.applications import operations
from app.applications.models import Disbursement
from app.applications.workflow import WorkflowRefused
from app.extensions import db
from app.programs.models import RegionQuota
from tests.support.factories import create_staff
from tests.support.programs import act, attach_for_stage, make_person, open_program

DESA = "36.03.01.2003"


@pytest.fixture
def staff(db_session, programs):
    open_program("guru_ngaji")
    return {
        "operator": create_staff("village_operator", region_code=DESA),
        "kesra": create_staff("reviewer", "KESRA"),
        "head": create_staff("approver", "KESRA"),
        "finance": create_staff("finance", "BPKAD"),
        "bappeda": create_staff("reviewer", "BAPPEDA"),
    }


def nominate(staff, *, pupils=25, name="Ustadz Hasan"):
    operator = staff["operator"]
    person = make_person(name=name, teacher=True, user=operator)
    application = operations.create_draft(
        "guru_ngaji", owner=operator, person=person, nominated_by=operator
    )
    operations.update_answers(application, operator, {"pupil_count": pupils})
    db.session.commit()
    attach_for_stage(application, operator)
    act(application, "submit", operator)
    return application


def test_guru_ngaji_from_nomination_to_completion(staff):
    application = nominate(staff)
    assert application.stage == "verification"
    act(application, "verify", staff["kesra"])
    act(application, "approve", staff["head"])
    assert application.amount_approved == 1_500_000
    quota = db.session.scalar(sa.select(RegionQuota).where(RegionQuota.region_code == DESA))
    assert quota.used == 1 and quota.max_count == 13  # the definition's override for this desa
    act(application, "pay", staff["finance"], transfer_reference="SP2D-GN-1")
    act(application, "pay", staff["finance"], transfer_reference="SP2D-GN-2")
    assert application.outcome == "completed"
    amounts = sorted(
        d.amount
        for d in db.session.scalars(
            sa.select(Disbursement).where(Disbursement.application_id == application.id)
        )
    )
    assert amounts == [600_000, 900_000]


def test_guru_ngaji_with_too_few_pupils_is_rejected_at_verification(staff):
    application = nominate(staff, pupils=4)
    with pytest.raises(WorkflowRefused) as refused:
        act(application, "verify", staff["kesra"])
    assert refused.value.code == "guard"
    assert "santri" in refused.value.message.lower() or "murid" in refused.value.message.lower()
    act(application, "reject", staff["kesra"], reason="Jumlah santri kurang dari 10")
    assert application.outcome == "rejected"


def test_wrong_agency_cannot_verify_guru_ngaji(staff):
    application = nominate(staff)
    with pytest.raises(WorkflowRefused):
        act(application, "verify", staff["bappeda"])
    with pytest.raises(WorkflowRefused):
        act(application, "approve", staff["head"])  # right agency, wrong stage


def test_one_incentive_per_nik_per_fiscal_year(staff):
    first = nominate(staff)
    person_id = first.person_id
    operator = staff["operator"]
    from app.organizations.models import Person

    again = operations.create_draft(
        "guru_ngaji",
        owner=operator,
        person=db.session.get(Person, person_id),
        nominated_by=operator,
    )
    operations.update_answers(again, operator, {"pupil_count": 30})
    db.session.commit()
    attach_for_stage(again, operator)
    with pytest.raises(WorkflowRefused) as refused:
        act(again, "submit", operator)
    assert "NIK" in refused.value.message


def test_failed_transfer_goes_back_to_fix_the_account(staff):
    application = nominate(staff)
    act(application, "verify", staff["kesra"])
    act(application, "approve", staff["head"])
    act(application, "transfer_failed", staff["finance"], reason="Rekening tidak aktif")
    assert application.stage == "bank_correction"
    failed = db.session.scalar(
        sa.select(Disbursement).where(
            Disbursement.application_id == application.id, Disbursement.status == "failed"
        )
    )
    assert failed.failure_reason == "Rekening tidak aktif"
    from app.organizations.models import Person
    from tests.support.programs import add_bank_account

    person = db.session.get(Person, application.person_id)
    for account in person.bank_accounts:
        account.is_current = False
    add_bank_account(person=person, holder=person.full_name, number="1234567890123")
    db.session.commit()
    act(application, "resubmit", staff["operator"])
    assert application.stage == "instalment_1"
    act(application, "pay", staff["finance"], transfer_reference="SP2D-ULANG")
    assert application.stage == "instalment_2"
