"""Least privilege for the full NIK (issue 15, item 3; UU PDP purpose limitation).

Seeing a file is not a need for the person's full NIK. The table below is the policy of
``app.applications.permissions.nik_reveal_grant``: the agency roles that work a stage of the
program may reveal it, a partner agency that only reads the file may not, an auditor may with a
stated reason (stored in the read's audit event), an administrator may not.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.applications import operations
from app.applications.permissions import NIK_AUDIT, NIK_WORK, nik_reveal_grant
from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import Person
from tests.staff.conftest import login, nominate_guru
from tests.support.factories import create_applicant, create_staff
from tests.support.programs import make_person, open_program

DESA = "36.03.01.2003"
WORK, AUDIT, NO = NIK_WORK, NIK_AUDIT, None
#: (role, agency) -> {program: grant}
TABLE = {
    ("reviewer", "KESRA"): {"guru_ngaji": WORK, "beasiswa_mbr": NO},
    ("approver", "KESRA"): {"guru_ngaji": WORK, "beasiswa_mbr": NO},
    ("reviewer", "DISDIK"): {"guru_ngaji": NO, "beasiswa_mbr": WORK},  # Guru Ngaji: partner only
    ("approver", "DISDIK"): {"guru_ngaji": NO, "beasiswa_mbr": WORK},
    ("finance", "BPKAD"): {"guru_ngaji": WORK, "beasiswa_mbr": WORK},
    ("reviewer", "KEMENAG"): {"guru_ngaji": NO, "beasiswa_mbr": NO},
    ("reviewer", "DISKOPUM"): {"guru_ngaji": NO, "beasiswa_mbr": NO},
    ("auditor", "INSPEKTORAT"): {"guru_ngaji": AUDIT, "beasiswa_mbr": AUDIT},
    ("admin", None): {"guru_ngaji": NO, "beasiswa_mbr": NO},
    ("village_operator", None): {"guru_ngaji": NO, "beasiswa_mbr": NO},
}
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def files(db_session, programs):
    """A guru ngaji nominated by the village and a scholarship draft, each naming a person."""
    open_program("guru_ngaji")
    open_program("beasiswa_mbr")
    operator = create_staff("village_operator", region_code=DESA)
    parent = create_applicant()
    student = make_person(name="Siti Aminah", student=True, user=parent)
    scholarship = operations.create_draft("beasiswa_mbr", owner=parent, person=student)
    db.session.commit()
    return {"guru_ngaji": nominate_guru(operator), "beasiswa_mbr": scholarship}


def test_who_may_reveal_the_full_nik_role_by_program(files):
    seen = {}
    for (role, agency) in TABLE:
        user = create_staff(role, agency, region_code=DESA if role == "village_operator" else None)
        seen[(role, agency)] = {key: nik_reveal_grant(user, app) for key, app in files.items()}
    assert seen == TABLE


def test_the_person_themself_may_and_no_one_without_a_person(files, db_session):
    guru = files["guru_ngaji"]
    person = db.session.get(Person, guru.person_id)
    person_user = create_applicant()
    person_user.person_id = person.id
    db.session.commit()
    assert nik_reveal_grant(person_user, guru) == "self"


def reveal(client, application, **data):
    page = client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    return client.post(f"/staf/permohonan/{application.id}/nik",
                       data={"csrf_token": token, **data})


def nik_reads(person_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "personal_data.read", AuditEvent.object_type == "person",
        AuditEvent.object_id == str(person_id)).order_by(AuditEvent.seq)))


def test_a_partner_agency_sees_the_file_but_not_the_full_nik(client, files):
    guru = files["guru_ngaji"]
    nik = db.session.get(Person, guru.person_id).reveal_nik()
    login(client, create_staff("reviewer", "DISDIK"))
    page = client.get(f"/staf/permohonan/{guru.id}")
    assert page.status_code == 200 and "Tampilkan NIK lengkap" not in page.get_data(as_text=True)
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    response = client.post(f"/staf/permohonan/{guru.id}/nik", data={"csrf_token": token})
    assert response.status_code == 404 and nik not in response.get_data(as_text=True)
    assert nik_reads(guru.person_id) == []


def test_the_working_agency_reveals_without_a_reason(client, files):
    guru = files["guru_ngaji"]
    nik = db.session.get(Person, guru.person_id).reveal_nik()
    login(client, create_staff("finance", "BPKAD"))
    response = reveal(client, guru)
    assert response.status_code == 200 and nik in response.get_data(as_text=True)
    assert [e.reason for e in nik_reads(guru.person_id)] == [f"Pemeriksaan berkas {guru.number}"]


def test_an_auditor_states_a_reason_and_it_is_in_the_read_log(client, files):
    guru = files["guru_ngaji"]
    nik = db.session.get(Person, guru.person_id).reveal_nik()
    auditor = create_staff("auditor", "INSPEKTORAT")
    login(client, auditor)
    assert "Alasan pemeriksaan" in client.get(f"/staf/permohonan/{guru.id}").get_data(
        as_text=True)
    for blank in ({}, {"alasan": "   "}, {"alasan": "cek"}):
        refused = reveal(client, guru, **blank)
        assert refused.status_code == 422 and nik not in refused.get_data(as_text=True)
        assert "minimal 10 karakter" in refused.get_data(as_text=True)
    assert nik_reads(guru.person_id) == []
    stated = "Audit reguler Inspektorat 2026, sampel pembayaran angsuran I"
    response = reveal(client, guru, alasan=stated)
    assert response.status_code == 200 and nik in response.get_data(as_text=True)
    (event,) = nik_reads(guru.person_id)
    assert event.actor_user_id == auditor.id and stated in event.reason
