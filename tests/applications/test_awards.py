"""Dated awards across programs: written at approval, counted by repeat limits within N years,
by program group and by family card, shown in the pre-check with the earlier award's date."""

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.applications import operations, repeat_limits
from app.applications.eligibility import precheck
from app.applications.workflow import WorkflowRefused, definition_of
from app.common.i18n import jakarta_today
from app.extensions import db
from app.programs.models import Award, AwardIdentifier
from tests.support.factories import create_staff
from tests.support.programs import act, attach_for_stage, make_person, open_program
from workflows.model import OncePer

DESA = "36.03.01.2003"


@pytest.fixture
def staff(db_session, programs):
    open_program("guru_ngaji")
    return {
        "operator": create_staff("village_operator", region_code=DESA),
        "kesra": create_staff("reviewer", "KESRA"),
        "head": create_staff("approver", "KESRA"),
    }


def draft_for(staff, person):
    operator = staff["operator"]
    application = operations.create_draft("guru_ngaji", owner=operator, person=person,
                                          nominated_by=operator)
    operations.update_answers(application, operator, {"pupil_count": 25})
    db.session.commit()
    attach_for_stage(application, operator)
    return application


def awarded(staff, name="Ustadz Hasan"):
    person = make_person(name=name, teacher=True, user=staff["operator"])
    application = draft_for(staff, person)
    act(application, "submit", staff["operator"])
    act(application, "verify", staff["kesra"])
    act(application, "approve", staff["head"])
    return person, application


def same_family(person, name="Ustadzah Aminah"):
    other = make_person(name=name, teacher=True)
    other.kk_encrypted, other.kk_bidx = person.kk_encrypted, person.kk_bidx
    db.session.commit()
    return other


def with_limit(defn, policy, groups=("incentive",)):
    return dataclasses.replace(defn, groups=groups, once_per=defn.once_per + (policy,))


def test_an_approval_writes_a_dated_award_with_its_identifiers(staff):
    person, application = awarded(staff)
    award = db.session.scalar(sa.select(Award).where(Award.application_id == application.id))
    assert award.program_key == "guru_ngaji" and award.awarded_on >= jakarta_today() - timedelta(1)
    kinds = set(db.session.scalars(
        sa.select(AwardIdentifier.kind).where(AwardIdentifier.award_id == award.id)))
    assert {"nik", "kk"} <= kinds and "bank" not in kinds


def test_the_kk_limit_refuses_at_the_precheck_with_the_award_date(staff):
    person, first = awarded(staff)
    second = draft_for(staff, same_family(person))
    defn = with_limit(definition_of(second), OncePer("kk", "awarded", within_years=3))
    results = {r["key"]: r for r in repeat_limits.evaluate(defn, second)}
    kk = results["repeat_2_kk"]
    assert kk["outcome"] == "fail" and kk["blocking"]
    award = db.session.scalar(sa.select(Award).where(Award.application_id == first.id))
    # the earlier award is named by its program's name, not the definition's key
    assert str(award.awarded_on.year) in kk["reason"]["id"]
    assert "Insentif Guru Ngaji" in kk["reason"]["id"] and "guru_ngaji" not in kk["reason"]["id"]
    assert "3 tahun" in kk["message"]["id"]
    # the NIK limit of the shipped definition passes for the other family member
    assert results["repeat_1_nik"]["outcome"] == "pass"
    # older than the window: no longer counted
    award.awarded_on = jakarta_today() - timedelta(days=4 * 366)
    db.session.commit()
    assert repeat_limits.evaluate(defn, second)[1]["outcome"] == "pass"


def test_the_shipped_nik_limit_shows_in_the_precheck_before_the_submit(staff):
    person, _ = awarded(staff)
    again = draft_for(staff, person)
    nik = next(r for r in precheck(definition_of(again), again) if r["key"] == "repeat_1_nik")
    assert nik["outcome"] == "fail"
    with pytest.raises(WorkflowRefused):
        act(again, "submit", staff["operator"])


def test_an_imported_award_of_a_group_program_refuses_the_submission(staff, monkeypatch):
    person = make_person(name="Ustadz Karim", teacher=True, user=staff["operator"])
    application = draft_for(staff, person)
    imported = Award(program_key="rutilahu", program_group="incentive", source="import",
                     awarded_on=jakarta_today() - timedelta(days=400))
    db.session.add(imported)
    db.session.flush()
    db.session.add(AwardIdentifier(award_id=imported.id, kind="nik", value_bidx=person.nik_bidx))
    db.session.commit()
    policy = OncePer("nik", "awarded", within_years=2, group="incentive")
    defn = with_limit(definition_of(application), policy)
    refusals = repeat_limits.refusals(defn, application)
    # a program with no definition here (an imported award) is named by its key in capitals
    assert len(refusals) == 1 and "RUTILAHU" in refusals[0]
    narrower = with_limit(definition_of(application), dataclasses.replace(policy, within_years=1))
    assert repeat_limits.refusals(narrower, application) == []
