"""Fixtures for the staff workspace: agency staff, and applications driven through operations."""

from __future__ import annotations

import pytest

from app.applications import operations
from app.extensions import db
from tests.conftest import post_form
from tests.support.factories import PASSWORD, create_staff
from tests.support.programs import (
    act,
    attach_for_stage,
    make_person,
    new_applicant_with_pesantren,
    open_program,
    sanitren_draft,
)

DESA = "36.03.01.2003"


def login(client, user):
    response = post_form(client, "/masuk", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def submitted_sanitren():
    user, org = new_applicant_with_pesantren()
    application = sanitren_draft(user, org)
    act(application, "submit", user)
    return user, application


def nominate_guru(operator, *, name: str = "Ustadz Hasan", pupils: int = 25):
    person = make_person(name=name, teacher=True, user=operator)
    application = operations.create_draft(
        "guru_ngaji", owner=operator, person=person, nominated_by=operator
    )
    operations.update_answers(application, operator, {"pupil_count": pupils})
    db.session.commit()
    attach_for_stage(application, operator)
    act(application, "submit", operator)
    return application


def gurus_awaiting_payment(staff, count: int) -> list:
    """``count`` guru ngaji nominated, verified and put in the decree by Kesra's head: each
    waits at the first instalment for BPKAD's finance officer (``staff["finance"]``)."""
    head = create_staff("approver", "KESRA")
    waiting = []
    for n in range(count):
        application = nominate_guru(staff["operator"], name=f"Ustadz Bayar {n}")
        act(application, "verify", staff["kesra"])
        act(application, "approve", head)
        assert application.stage == "instalment_1"
        waiting.append(application)
    return waiting


@pytest.fixture
def staff(db_session, programs):
    open_program("sanitren")
    open_program("guru_ngaji")
    return {
        "kemenag": create_staff("reviewer", "KEMENAG"),
        "kemenag2": create_staff("reviewer", "KEMENAG"),
        "bappeda": create_staff("reviewer", "BAPPEDA"),
        "head": create_staff("approver", "BAPPEDA"),
        "finance": create_staff("finance", "BPKAD"),
        "disdik": create_staff("reviewer", "DISDIK"),
        "kesra": create_staff("reviewer", "KESRA"),
        "auditor": create_staff("auditor", "INSPEKTORAT"),
        "admin": create_staff("admin"),
        "operator": create_staff("village_operator", region_code=DESA),
    }
