"""The finance officer's list at the size of a Guru Ngaji year (17,810 recipients, two tranches).

The page rendered every waiting payment in one table (up to 5,000 rows on a phone), and the
bank's list was built from the same capped query: past 5,000 it dropped the rest without a word,
and the officer would have sent the bank a partial list. Now the page goes 100 at a time with
the count and the amount of the whole list, and the bank's list holds every payment.
"""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.applications.models import Disbursement
from app.audit.models import AuditEvent
from app.extensions import db
from app.staff import finance
from tests.staff.conftest import gurus_awaiting_payment, login

pytestmark = pytest.mark.usefixtures("staff")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def three_waiting(staff, monkeypatch):
    """Three guru ngaji in the decree, each waiting for the first tranche; two to a page."""
    monkeypatch.setattr(finance, "PAGE_ROWS", 2)
    monkeypatch.setattr(finance, "EXPORT_BATCH", 2)  # the export reads in several batches
    return gurus_awaiting_payment(staff, 3)


def test_the_page_goes_page_by_page_with_the_whole_lists_count_and_amount(client, staff,
                                                                           three_waiting):
    login(client, staff["finance"])
    first = client.get("/staf/keuangan").get_data(as_text=True)
    first_tranches = sa.select(sa.func.min(Disbursement.id)).where(
        Disbursement.status == "pending",
        Disbursement.application_id.in_([a.id for a in three_waiting])
    ).group_by(Disbursement.application_id)
    total = db.session.scalar(sa.select(sa.func.sum(Disbursement.amount)).where(
        Disbursement.id.in_(first_tranches)))
    rupiah = f"Rp{total:,}".replace(",", ".")
    assert f"3 pembayaran menunggu transfer, seluruhnya {rupiah}." in first
    assert "Halaman 1 dari 2 (3 seluruhnya)" in first
    numbers = [a.number for a in three_waiting]
    assert sum(n in first for n in numbers) == 2
    second = client.get("/staf/keuangan?halaman=2").get_data(as_text=True)
    assert sum(n in second for n in numbers) == 1
    for odd in ("x", "0", "99"):
        assert client.get(f"/staf/keuangan?halaman={odd}").status_code == 200


def test_the_banks_list_holds_every_payment_not_only_the_page(client, staff, three_waiting):
    login(client, staff["finance"])
    token = TOKEN.search(client.get("/staf/keuangan").get_data(as_text=True)).group(1)
    response = client.post("/staf/keuangan/daftar-bayar", data={"csrf_token": token})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert sorted(r[0] for r in rows) == sorted(a.number for a in three_waiting)
    assert all(isinstance(r[3], str) and r[3].isdigit() for r in rows), "account numbers as text"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "payments.exported"))
    assert event.summary["count"] == 3
    assert event.summary["total"] == sum(r[5] for r in rows)


def test_the_list_and_the_banks_list_narrow_to_one_program(client, staff, three_waiting):
    """A bank list and its SP2D are per program: the officer picks one, and the page, the
    total and the download follow; a program typed into the address is ignored, not an
    error."""
    from tests.staff.test_bulk_finance_dashboard import approved_sanitren

    _, sanitren = approved_sanitren(staff)
    login(client, staff["finance"])
    both = client.get("/staf/keuangan").get_data(as_text=True)
    assert '<option value="sanitren">' in both and '<option value="guru_ngaji">' in both
    assert "4 pembayaran menunggu transfer" in both
    only = client.get("/staf/keuangan?program=sanitren").get_data(as_text=True)
    assert "1 pembayaran menunggu transfer, seluruhnya Rp91.000.000." in only
    assert sanitren.number in only and three_waiting[0].number not in only
    assert '<input type="hidden" name="program" value="sanitren">' in only
    token = TOKEN.search(only).group(1)
    response = client.post("/staf/keuangan/daftar-bayar",
                           data={"csrf_token": token, "program": "sanitren"})
    assert "daftar-bayar-sanitren.xlsx" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [sanitren.number]
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "payments.exported")).all()[-1]
    assert event.program_key == "sanitren" and event.summary["count"] == 1
    odd = client.get("/staf/keuangan?program=%3Cx%3E")
    assert odd.status_code == 200 and "4 pembayaran menunggu transfer" in odd.get_data(
        as_text=True)
    forged = client.post("/staf/keuangan/daftar-bayar",
                         data={"csrf_token": token, "program": "../../etc"})
    assert forged.headers["Content-Disposition"].endswith('filename=daftar-bayar.xlsx')
