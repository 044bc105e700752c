"""Nominations belong to the nominating office, not to the person who typed them.

Before, only the operator who nominated a guru ngaji could see and fix the nomination: a
colleague of the same desa, or the successor of an operator who left, met a 404 while the
reviewer waited for a correction. ``is_nominating_office_of`` is now the one rule for the
portal, the lists, the workflow and the API.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.applications.models import Application
from app.applications.permissions import (
    can_follow_application,
    is_applicant_of,
    is_nominating_office_of,
)
from app.applications.workflow import actor_for
from app.common.i18n import jakarta_today
from app.extensions import db
from app.regions.models import Region
from tests.conftest import post_form
from tests.staff.conftest import DESA, login, nominate_guru
from tests.support.factories import create_staff
from tests.support.programs import act

pytestmark = pytest.mark.usefixtures("staff")


def other_desa() -> str:
    return db.session.scalar(sa.select(Region.code).where(
        Region.level.in_(("desa", "kelurahan")), Region.code != DESA).order_by(Region.code))


@pytest.fixture
def returned(staff):
    """A guru ngaji nominated by the desa's operator, sent back by Kesra for a correction."""
    application = nominate_guru(staff["operator"], pupils=25)
    act(application, "return", staff["kesra"], reason="Jumlah santri perlu dibuktikan",
        deadline=jakarta_today() + timedelta(days=7))
    assert application.stage == "revision"
    return application


def test_a_colleague_of_the_same_desa_is_the_applicants_side(returned):
    colleague = create_staff("village_operator", region_code=DESA)
    elsewhere = create_staff("village_operator", region_code=other_desa())
    for rule in (is_nominating_office_of, is_applicant_of, can_follow_application):
        assert rule(colleague, returned) and not rule(elsewhere, returned), rule.__name__
    assert actor_for(colleague, returned).nominated
    assert not actor_for(elsewhere, returned).nominated


def test_the_colleague_finds_fixes_and_resubmits_the_returned_nomination(client, returned):
    colleague = create_staff("village_operator", region_code=DESA)
    login(client, colleague)
    listing = client.get("/portal/operator").get_data(as_text=True)
    assert returned.number in listing, "the desa's nominations are on every operator's page"
    assert returned.number in client.get("/portal").get_data(as_text=True)
    status = client.get(f"/portal/permohonan/{returned.id}")
    assert status.status_code == 200 and "Jumlah santri perlu dibuktikan" in status.get_data(
        as_text=True)
    form = client.get(f"/portal/permohonan/{returned.id}/isian")
    assert form.status_code == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.get_data(as_text=True))
    saved = client.post(f"/portal/permohonan/{returned.id}/isian", data={
        "csrf_token": token.group(1), "pupil_count": "30", "teaching_place": "Musala Al-Ikhlas",
        "teaching_schedule": "Senin-Kamis ba'da maghrib", "teaching_since": "2019-01-01",
        "is_civil_servant": "tidak", "has_fixed_income": "tidak"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:300]
    sent = post_form(client, f"/portal/permohonan/{returned.id}/kirim", {},
                     form_url=f"/portal/permohonan/{returned.id}")
    assert sent.status_code == 302, sent.get_data(as_text=True)[:300]
    row = db.session.execute(sa.select(Application.stage, Application.answers).where(
        Application.id == returned.id)).one()
    assert row.stage == "verification" and row.answers["pupil_count"] == 30


def test_an_operator_of_another_desa_sees_none_of_it(client, returned):
    login(client, create_staff("village_operator", region_code=other_desa()))
    assert returned.number not in client.get("/portal/operator").get_data(as_text=True)
    assert client.get(f"/portal/permohonan/{returned.id}").status_code == 404
    assert client.get(f"/portal/permohonan/{returned.id}/isian").status_code == 404
