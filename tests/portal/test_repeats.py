"""A second tap (or a resent form) of an applicant's or operator's POST lands on the page the
first one led to, never "page not found" (issue 16, part D)."""

from __future__ import annotations

import sqlalchemy as sa

from app.applications.models import Application, Decision
from app.extensions import db
from tests.conftest import csrf_from
from tests.portal.conftest import fresh, login
from tests.portal.test_portal_apply import ANSWERS, start_draft, upload_all
from tests.portal.test_portal_operator import operator  # noqa: F401 (fixture)
from tests.support.programs import act, make_pesantren


def decisions(application, action):
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            Decision.application_id == application.id, Decision.action == action
        )
    )


def twice(client, url, data):
    return [client.post(url, data=dict(data)) for _ in range(2)]


def submitted_twice(client, applicant):
    org = make_pesantren(applicant)
    login(client, applicant)
    application = start_draft(client, org)
    url = f"/portal/permohonan/{application.id}/isian"
    client.post(url, data={"csrf_token": csrf_from(client, url), **ANSWERS})
    upload_all(client, application)
    url = f"/portal/permohonan/{application.id}/kirim"
    return application, twice(client, url, {"csrf_token": csrf_from(client, url)})


def test_double_submit_lands_on_the_status_page(client, applicant):
    application, (first, second) = submitted_twice(client, applicant)
    status = f"/portal/permohonan/{application.id}"
    assert first.status_code == 302 and first.location.endswith(status)
    assert second.status_code == 303 and second.location.endswith(status)
    page = client.get(status).get_data(as_text=True)
    assert "Permohonan ini sudah terkirim" in page
    assert fresh(application).stage == "admin_verification"
    assert decisions(application, "submit") == 1


def test_double_resubmit_lands_on_the_status_page(client, applicant, kemenag):
    application, _ = submitted_twice(client, applicant)
    act(fresh(application), "return", kemenag, reason="Akta buram")
    url = f"/portal/permohonan/{application.id}/kirim"
    first, second = twice(client, url, {"csrf_token": csrf_from(client, url)})
    assert first.status_code == 302 and second.status_code == 303
    assert second.location.endswith(f"/portal/permohonan/{application.id}")
    assert decisions(application, "resubmit") == 1


def test_double_action_on_the_status_page_lands_on_it(client, applicant, kemenag):
    application, _ = submitted_twice(client, applicant)
    application = fresh(application)
    status = f"/portal/permohonan/{application.id}"
    page = client.get(status).get_data(as_text=True)
    assert "Tarik permohonan" in page
    data = {
        "csrf_token": csrf_from(client, status),
        "action": "withdraw",
        "reason": "Sudah dibiayai donatur",
        "version": str(fresh(application).version),
    }
    first, second = twice(client, f"{status}/aksi", data)
    assert first.status_code == 302 and second.status_code == 303
    assert second.location.endswith(status)
    assert decisions(application, "withdraw") == 1


def test_someone_elses_later_move_is_still_reported_as_stale(client, applicant, kemenag):
    application, _ = submitted_twice(client, applicant)
    status = f"/portal/permohonan/{application.id}"
    data = {
        "csrf_token": csrf_from(client, status),
        "action": "withdraw",
        "reason": "Berubah pikiran",
        "version": str(fresh(application).version),
    }
    act(fresh(application), "return", kemenag, reason="Akta buram")
    response = client.post(f"{status}/aksi", data=data)
    assert response.status_code == 302  # refused with the reason, not a silent "done"
    assert decisions(application, "withdraw") == 0


def test_double_nomination_lands_on_the_same_draft(client, operator):  # noqa: F811
    login(client, operator)
    data = {
        "csrf_token": csrf_from(client, "/portal/operator"),
        "full_name": "Ustadz Hasan",
        "nik": "3603011201850001",
        "address": "Kp. Cangkudu",
        "teaching_since": "2015-07-01",
        "pupil_count": "25",
        "teaching_place": "TPQ Al-Ikhlas",
        "is_civil_servant": "tidak",
        "has_fixed_income": "tidak",
    }
    first, second = twice(client, "/portal/operator/usulan", data)
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    assert second.status_code == 303 and second.location == first.location
    count = db.session.scalar(
        sa.select(sa.func.count()).where(Application.nominated_by_user_id == operator.id)
    )
    assert count == 1
    assert "Usulan ini sudah tersimpan sebelumnya" in client.get(second.location).get_data(
        as_text=True
    )
