"""The bank's results come back as the payment list, filled in, and are recorded row by row.

A Guru Ngaji year is 17,810 transfers per tranche: recorded one case page at a time they could
not be. The payment list now carries the result columns; the finance officer uploads it back,
each filled row fires the finance stage's transition as the case page does (tranche paid, or a
failed transfer sent back for a bank correction), one refused row leaves the others recorded,
and the same file uploaded twice records nothing twice.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.applications.models import Application, Disbursement
from app.common.i18n import jakarta_today
from app.extensions import db
from tests.staff.conftest import gurus_awaiting_payment, login
from tests.support.factories import create_staff

pytestmark = pytest.mark.usefixtures("staff")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def waiting(staff):
    return gurus_awaiting_payment(staff, 3)


def _payment_list(client) -> list[list]:
    token = TOKEN.search(client.get("/staf/keuangan").get_data(as_text=True)).group(1)
    response = client.post("/staf/keuangan/daftar-bayar", data={"csrf_token": token})
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _upload(client, rows: list[list], name: str = "hasil.xlsx"):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)
    token = TOKEN.search(client.get("/staf/keuangan").get_data(as_text=True)).group(1)
    return client.post("/staf/keuangan/hasil-transfer", data={
        "csrf_token": token, "file": (io.BytesIO(content.getvalue()), name)},
        content_type="multipart/form-data")


def _state(application: Application) -> tuple[str, list[tuple[int, str]]]:
    stage = db.session.scalar(sa.select(Application.stage).where(
        Application.id == application.id))
    attempts = db.session.execute(sa.select(Disbursement.tranche_no, Disbursement.status).where(
        Disbursement.application_id == application.id, Disbursement.tranche_no == 1)
        .order_by(Disbursement.attempt)).all()
    return stage, [tuple(a) for a in attempts]


def test_the_filled_list_is_recorded_row_by_row_and_only_once(client, staff, waiting):
    paid, failed, later = waiting
    login(client, staff["finance"])
    header, *rows = _payment_list(client)
    assert header[7:] == ["Tanggal transfer", "Referensi SP2D", "Hasil (berhasil/gagal)",
                          "Alasan gagal", "Batas perbaikan rekening"]
    by_number = {row[0]: row for row in rows}
    today = jakarta_today()
    by_number[paid.number][7:10] = [today.isoformat(), "SP2D-0042", "berhasil"]
    by_number[failed.number][9:12] = ["Gagal", "Rekening tidak aktif",
                                      (today + timedelta(days=14)).strftime("%d/%m/%Y")]
    unknown = ["GURU_NGAJI-2026-999999", "X", "", "", "", 1, 1, today.isoformat(), "R",
               "berhasil", "", ""]
    typo = list(by_number[later.number])
    typo[7:10] = ["31 Desember", "SP2D-9", "berhasil"]
    filled = [header, *by_number.values(), unknown, typo]

    first = _upload(client, filled)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert "1 transfer dicatat berhasil, 1 gagal, 2 baris ditolak, 1 dilewati." in html
    assert "GURU_NGAJI-2026-999999 tidak ada di daftar pembayaran Anda." in html
    assert "Tanggal &#34;31 Desember&#34; tidak dikenali" in html
    assert _state(paid) == ("instalment_2", [(1, "sent")])
    assert db.session.scalar(sa.select(Disbursement.reference).where(
        Disbursement.application_id == paid.id, Disbursement.tranche_no == 1)) == "SP2D-0042"
    assert _state(failed) == ("bank_correction", [(1, "failed"), (1, "pending")])
    assert _state(later) == ("instalment_1", [(1, "pending")]), "a refused row changes nothing"

    again = _upload(client, filled).get_data(as_text=True)
    assert "0 transfer dicatat berhasil, 0 gagal, 2 baris ditolak, 3 dilewati." in again
    assert again.count("Angsuran ini sudah tercatat sebelumnya") == 2
    assert _state(paid) == ("instalment_2", [(1, "sent")])
    assert _state(failed) == ("bank_correction", [(1, "failed"), (1, "pending")])


def test_a_file_that_is_not_the_payment_list_is_refused_with_a_reason(client, staff, waiting):
    login(client, staff["finance"])
    wrong = _upload(client, [["nama", "nik"], ["Budi", "3603"]])
    assert wrong.status_code == 422
    assert "Kolom &#34;No. permohonan&#34; tidak ditemukan" in wrong.get_data(as_text=True)
    token = TOKEN.search(client.get("/staf/keuangan").get_data(as_text=True)).group(1)
    pdf = client.post("/staf/keuangan/hasil-transfer", data={
        "csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4"), "hasil.pdf")},
        content_type="multipart/form-data")
    assert pdf.status_code == 422 and "Format berkas harus CSV atau XLSX." in pdf.get_data(
        as_text=True)
    nothing = client.post("/staf/keuangan/hasil-transfer", data={"csrf_token": token})
    assert nothing.status_code == 422
    assert "Pilih berkas daftar bayar yang sudah diisi bank." in nothing.get_data(as_text=True)
    assert all(_state(a)[0] == "instalment_1" for a in waiting)



def test_another_agencys_finance_officer_records_nothing(client, staff, waiting):
    login(client, staff["finance"])
    header, *rows = _payment_list(client)
    rows[0][7:10] = [jakarta_today().isoformat(), "SP2D-1", "berhasil"]
    other = client.application.test_client()
    login(other, create_staff("finance", "KESRA"))
    html = _upload(other, [header, rows[0]]).get_data(as_text=True)
    assert f"{rows[0][0]} tidak sedang menunggu transfer." in html
    assert all(_state(a)[0] == "instalment_1" for a in waiting)


def test_too_many_filled_rows_for_one_upload_are_refused_whole(client, staff, waiting,
                                                               monkeypatch):
    """Each filled row is a transition inside the request: past ``MAX_FILLED`` the file is
    refused before anything is recorded, with how many rows it holds and what to do."""
    from app.applications import transfers

    monkeypatch.setattr(transfers, "MAX_FILLED", 2)
    login(client, staff["finance"])
    header, *rows = _payment_list(client)
    for row in rows:
        row[7:10] = [jakarta_today().isoformat(), "SP2D-7", "berhasil"]
    refused = _upload(client, [header, *rows])
    assert refused.status_code == 422
    assert "Berkas berisi 3 baris dengan hasil terisi; paling banyak 2 per unggahan." in (
        refused.get_data(as_text=True))
    assert all(_state(a)[0] == "instalment_1" for a in waiting)
    rows[2][9] = ""  # one left blank: two filled rows go through
    assert _upload(client, [header, *rows]).status_code == 200
    assert sorted(_state(a)[0] for a in waiting) == ["instalment_1", "instalment_2",
                                                      "instalment_2"]
