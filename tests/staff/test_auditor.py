"""Auditor pages: read-only search, trail with chain status, PDF decision file, exports, reads."""

import csv
import io
import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.extensions import db
from tests.staff.conftest import login, nominate_guru, submitted_sanitren
from tests.support.programs import act

pytestmark = pytest.mark.usefixtures("staff")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def test_auditor_searches_all_programs_and_sees_an_intact_trail(client, staff):
    _, application = submitted_sanitren()
    act(application, "verify", staff["kemenag"])
    guru = nominate_guru(staff["operator"])
    login(client, staff["auditor"])
    page = client.get("/audit/").get_data(as_text=True)
    assert application.number in page and guru.number in page
    page = client.get(f"/audit/?cari={guru.number}").get_data(as_text=True)
    assert guru.number in page and application.number not in page
    trail = client.get(f"/audit/permohonan/{application.id}").get_data(as_text=True)
    assert "Jejak utuh" in trail and "decision.verify" in trail
    assert client.get(f"/staf/permohonan/{application.id}").status_code == 200
    assert "Keputusan" in trail
    staff_page = client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    assert "Tidak ada keputusan yang dapat Anda ambil" in staff_page


def test_full_chain_verification_and_decision_file_pdf(client, staff):
    _, application = submitted_sanitren()
    login(client, staff["auditor"])
    page = client.get("/audit/").get_data(as_text=True)
    response = client.post("/audit/verifikasi", data={"csrf_token": TOKEN.search(page).group(1)})
    assert "Rantai utuh" in response.get_data(as_text=True)
    pdf = client.get(f"/audit/permohonan/{application.id}/berkas-keputusan.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    read = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "personal_data.read", AuditEvent.object_id == str(application.id)
        )
    )
    assert read.summary["what"] == "decision_file"


def test_exports_and_who_read_this_person(client, staff):
    guru = nominate_guru(staff["operator"])
    kesra = client.application.test_client()
    login(kesra, staff["kesra"])
    page = kesra.get(f"/staf/permohonan/{guru.id}").get_data(as_text=True)
    kesra.post(f"/staf/permohonan/{guru.id}/nik", data={"csrf_token": TOKEN.search(page).group(1)})
    login(client, staff["auditor"])
    reads = client.get(f"/audit/orang/{guru.person_id}").get_data(as_text=True)
    assert staff["kesra"].full_name in reads and "NIK lengkap" in reads
    page = client.get("/audit/").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    response = client.post(
        "/audit/ekspor",
        data={"csrf_token": token, "format": "csv", "program": "guru_ngaji", "aksi": "decision."},
        buffered=True,
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "seq" and rows[1][6] == "decision.submit"
    response = client.post("/audit/ekspor", data={"csrf_token": token, "format": "xlsx"})
    assert response.status_code == 200 and response.data[:2] == b"PK"


def test_auditor_changes_nothing(client, staff):
    _, application = submitted_sanitren()
    login(client, staff["auditor"])
    page = client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    response = client.post(
        f"/staf/permohonan/{application.id}/aksi/verify", data={"verify-csrf_token": token}
    )
    assert response.status_code == 404
    assert client.get("/staf/antrean").status_code == 404
