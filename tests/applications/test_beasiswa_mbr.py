"""Beasiswa MBR: a parent applies, the school confirms, Disdik verifies and decides, BPKAD pays."""

import pytest

from app.accounts.operations import grant_role
from app.applications import operations
from app.applications.workflow import WorkflowRefused
from app.extensions import db
from tests.support.factories import create_staff
from tests.support.programs import act, attach_for_stage, beasiswa_draft, make_person, open_program

NPSN = "20603456"


@pytest.fixture
def staff(db_session, programs):
    open_program("beasiswa_mbr")
    school = create_staff("school_operator")
    school.roles[0].school_npsn = NPSN
    db.session.commit()
    return {
        "school": school,
        "reviewer": create_staff("reviewer", "DISDIK"),
        "head": create_staff("approver", "DISDIK"),
        "finance": create_staff("finance", "BPKAD"),
        "kesra": create_staff("reviewer", "KESRA"),
    }


def application_for(*, dtks=True, report_average=88):
    return beasiswa_draft(npsn=NPSN, dtks=dtks, report_average=report_average)


def test_beasiswa_from_application_to_payment(staff):
    parent, application = application_for()
    act(application, "submit", parent)
    assert application.stage == "school_confirmation"
    act(application, "confirm", staff["school"], class_rank=3, report_average=88)
    act(application, "verify", staff["reviewer"])
    act(application, "approve", staff["head"])
    assert application.amount_approved == 450_000
    act(application, "pay", staff["finance"], transfer_reference="SP2D-MBR-1")
    assert application.outcome == "completed"


def test_household_not_low_income_is_rejected(staff):
    parent, application = application_for(dtks=False)
    act(application, "submit", parent)
    act(application, "confirm", staff["school"], class_rank=3, report_average=88)
    with pytest.raises(WorkflowRefused):
        act(application, "verify", staff["reviewer"])
    results = {r["key"]: r for r in application.eligibility["results"]}
    assert results["low_income"]["outcome"] == "fail"
    act(application, "reject", staff["reviewer"], reason="Tidak terdaftar DTKS dan tanpa SKTM")
    assert application.outcome == "rejected"


def test_only_the_students_school_confirms(staff):
    parent, application = application_for()
    act(application, "submit", parent)
    other_school = create_staff("school_operator")
    other_school.roles[0].school_npsn = "20609999"
    db.session.commit()
    for outsider in (other_school, staff["reviewer"], staff["kesra"]):
        with pytest.raises(WorkflowRefused):
            act(application, "confirm", outsider, class_rank=1, report_average=99)


def test_a_parent_cannot_approve_their_own_childs_scholarship(staff):
    parent, application = application_for()
    act(application, "submit", parent)
    act(application, "confirm", staff["school"], class_rank=3, report_average=88)
    act(application, "verify", staff["reviewer"])
    grant_role(parent, "approver", agency_code="DISDIK")
    db.session.commit()
    with pytest.raises(WorkflowRefused) as refused:
        act(application, "approve", parent)
    assert refused.value.code == "separation_of_duties"


def test_one_scholarship_per_nisn_per_school_year_even_when_the_parent_applies(staff):
    parent, first = application_for()
    act(first, "submit", parent)
    nisn = first.answers["nisn"]
    guardian = make_person(name="Bapak Rahmat", dtks=True, user=parent)
    second = operations.create_draft("beasiswa_mbr", owner=parent, person=guardian)
    operations.update_answers(second, parent, {**first.answers, "nisn": nisn})
    db.session.commit()
    attach_for_stage(second, parent)
    with pytest.raises(WorkflowRefused) as refused:
        act(second, "submit", parent)
    assert "NISN" in refused.value.message
