"""One source for each rule: a transition declaring ``submits: true`` is a submission wherever
it is asked (engine, portal, notices, auditor list, dashboard); the quota guard and the
reservation read the one limit an administrator sets."""

import pytest
import sqlalchemy as sa

from app.admin import operations as admin_ops
from app.applications import operations, submission
from app.applications.workflow import WorkflowRefused
from app.extensions import db
from app.notifications.models import Notification
from app.organizations.models import Membership, Organization
from app.programs.models import Program, RegionQuota
from app.staff import dashboard
from tests.staff.conftest import login
from tests.support.factories import create_applicant, create_staff
from tests.support.programs import (
    act,
    add_bank_account,
    attach_for_stage,
    make_person,
    open_program,
)

NPSN = "20603457"
DESA = "36.03.01.2003"


def school_application(*, report_average: int) -> tuple:
    """A school applies for its student (Beasiswa MBR's ``submit_confirmed``)."""
    user = create_applicant(name="Operator SD Negeri 1")
    school = Organization(kind="sekolah", name="SD Negeri 1 Cikupa", npsn=NPSN,
                          desa_code=DESA, address="Jl. Sekolah No. 1")
    db.session.add(school)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, organization_id=school.id, role="owner"))
    add_bank_account(organization=school, holder=school.name)
    student = make_person(name="Rizki Pratama", student=True, dtks=True, user=user)
    application = operations.create_draft("beasiswa_mbr", owner=user, organization=school,
                                          person=student)
    operations.update_answers(application, user, {
        "student_name": "Rizki Pratama", "school_name": "SD Negeri 1 Cikupa",
        "school_level": "SD", "class_rank": 25, "report_average": report_average,
        "has_sktm": False, "school_desa_code": DESA, "nisn": student.nisn,
        "school_npsn": NPSN, "enrolment_confirmed": True,
    })
    db.session.commit()
    attach_for_stage(application, user)
    return user, application


def test_a_school_submission_is_a_submission_everywhere(db_session, programs, client):
    open_program("beasiswa_mbr")
    user, application = school_application(report_average=70)  # not an achiever: rank 25, 70
    assert submission.submission_transition(user, application).action == "submit_confirmed"
    submission.submit(application, user)
    db.session.commit()
    assert application.stage == "verification"
    # re-assessed at submit: the achievement rule ran and failed, so the reviewer cannot verify
    results = {r["key"]: r["outcome"] for r in application.eligibility["results"]}
    assert results["achievement"] == "fail" and results["low_income"] == "pass"
    assert application.submitted_dt is not None
    received = db.session.scalars(sa.select(Notification.event_key)).all()
    assert any("received" in key for key in received), received
    assert dashboard.aggregates("beasiswa_mbr", application.fiscal_year).submitted == 1
    login(client, create_staff("auditor", "INSPEKTORAT"))
    assert application.number in client.get("/audit/").get_data(as_text=True)


@pytest.fixture
def guru_staff(db_session, programs):
    open_program("guru_ngaji")
    return {
        "operator": create_staff("village_operator", region_code=DESA),
        "kesra": create_staff("reviewer", "KESRA"),
        "head": create_staff("approver", "KESRA"),
        "admin": create_staff("admin"),
    }


def verified_guru(staff, name: str):
    operator = staff["operator"]
    person = make_person(name=name, teacher=True, user=operator)
    application = operations.create_draft("guru_ngaji", owner=operator, person=person,
                                          nominated_by=operator)
    operations.update_answers(application, operator, {"pupil_count": 25})
    db.session.commit()
    attach_for_stage(application, operator)
    act(application, "submit", operator)
    act(application, "verify", staff["kesra"])
    return application


def set_quota(staff, year: int, max_count: int) -> None:
    program = db.session.get(Program, "guru_ngaji")
    admin_ops.set_quota(program, staff["admin"], fiscal_year=year, region_code=DESA,
                        max_count=max_count)
    db.session.commit()


def quota_row(year: int) -> RegionQuota:
    return db.session.scalar(sa.select(RegionQuota).where(
        RegionQuota.program_key == "guru_ngaji", RegionQuota.fiscal_year == year,
        RegionQuota.region_code == DESA))


def test_lowered_quota_refuses_at_the_guard_like_the_reservation(guru_staff):
    first = verified_guru(guru_staff, "Ustadz Satu")
    second = verified_guru(guru_staff, "Ustadz Dua")
    set_quota(guru_staff, first.fiscal_year, 1)  # the definition says 13 for this desa
    act(first, "approve", guru_staff["head"])
    assert quota_row(first.fiscal_year).used == 1
    with pytest.raises(WorkflowRefused) as refused:
        act(second, "approve", guru_staff["head"])
    assert refused.value.code == "guard" and "Kuota" in refused.value.message
    db.session.rollback()
    assert second.stage == "decision" and quota_row(first.fiscal_year).used == 1


def test_raised_quota_lets_the_guard_pass_like_the_reservation(guru_staff):
    application = verified_guru(guru_staff, "Ustadz Tiga")
    year = application.fiscal_year
    set_quota(guru_staff, year, 13)
    quota_row(year).used = 13  # the definition's 13 awarded already
    db.session.commit()
    set_quota(guru_staff, year, 14)
    act(application, "approve", guru_staff["head"])
    assert application.stage == "instalment_1" and quota_row(year).used == 14
