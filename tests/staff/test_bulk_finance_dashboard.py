"""Bulk decisions (per-item savepoints), finance payments and export, dashboards."""

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.applications import review as ops
from app.applications.models import Application, Disbursement
from app.audit.models import AuditEvent
from app.common.i18n import jakarta_today
from app.extensions import db
from tests.staff.conftest import login, nominate_guru, submitted_sanitren
from tests.support.programs import act, attach_for_stage

pytestmark = pytest.mark.usefixtures("staff")
TOKEN = re.compile(r'name="(?:massal-)?csrf_token"[^>]*value="([^"]+)"')
CHECKS = (
    "ktp_address_in_regency",
    "teaching_confirmed",
    "not_asn_confirmed",
    "bank_account_active",
)


def test_bulk_verify_reports_each_item_and_one_failure_sinks_nothing(client, staff):
    good = [nominate_guru(staff["operator"], name=f"Guru {i}") for i in range(3)]
    too_few = nominate_guru(staff["operator"], name="Guru Sedikit Santri", pupils=3)
    handled = nominate_guru(staff["operator"], name="Guru Sudah")
    stale_version = handled.version
    tasks = {a.id: (a.tasks[-1].id, a.version) for a in [*good, too_few]}
    handled_task = handled.tasks[-1].id
    act(handled, "verify", staff["kesra"])
    good_ids, too_few_id = [a.id for a in good], too_few.id
    login(client, staff["kesra"])
    page = client.get("/staf/antrean?program=guru_ngaji&tahap=verification").get_data(as_text=True)
    assert "Keputusan massal" in page
    data = {
        "massal-csrf_token": TOKEN.search(page).group(1),
        "aksi": "verify",
        "program": "guru_ngaji",
        "tahap": "verification",
        "tugas": [f"{task}:{version}" for task, version in tasks.values()]
        + [f"{handled_task}:{stale_version}"],
        **{f"massal-verification_checklist__{k}": "y" for k in CHECKS},
    }
    response = client.post("/staf/antrean/massal", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    statuses = re.findall(r'<tr data-status="(\w+)">', text)
    assert statuses.count("ok") == 3 and statuses.count("refused") == 1
    assert statuses.count("handled") == 1
    assert "santri" in text.lower()
    db.session.expire_all()
    assert {db.session.get(Application, i).stage for i in good_ids} == {"decision"}
    assert db.session.get(Application, too_few_id).stage == "verification"


def test_bulk_items_are_independent_savepoints(staff):
    apps = [nominate_guru(staff["operator"], name=f"Guru {i}") for i in range(2)]
    items = [
        ops.BulkItem(apps[0].tasks[-1].id, apps[0].version),
        ops.BulkItem(apps[1].tasks[-1].id, apps[1].version + 7),
        ops.BulkItem(999999, None),
    ]
    fields = {"verification_checklist": {k: True for k in CHECKS}}
    results = ops.bulk_decide(items, "verify", staff["kesra"], fields=fields)
    db.session.commit()
    assert [r.status for r in results] == ["ok", "handled", "refused"]
    assert db.session.get(Application, apps[0].id).stage == "decision"
    assert db.session.get(Application, apps[1].id).stage == "verification"


def approved_sanitren(staff):
    user, application = submitted_sanitren()
    act(application, "verify", staff["kemenag"])
    attach_for_stage(application, staff["bappeda"], types=("survey_photo",))
    act(application, "complete_survey", staff["bappeda"])
    act(application, "recommend", staff["bappeda"])
    act(application, "approve", staff["head"])
    attach_for_stage(application, user, stage="agreement")
    act(application, "sign", user)
    act(application, "countersign", staff["head"])
    return user, application


def test_finance_records_a_transfer_and_exports_the_payment_list(client, staff):
    _, application = approved_sanitren(staff)
    login(client, staff["finance"])
    page = client.get("/staf/keuangan").get_data(as_text=True)
    assert application.number in page and "Rp91.000.000" in page
    token = TOKEN.search(page).group(1)
    response = client.post("/staf/keuangan/daftar-bayar", data={"csrf_token": token})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == application.number and rows[1][5] == 91_000_000 and rows[1][6] == 1
    assert rows[1][3].isdigit() and len(rows[1][3]) >= 10
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "payments.exported"))
    assert event.summary["count"] == 1 and rows[1][3] not in str(event.summary)

    app_page = client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    response = client.post(
        f"/staf/permohonan/{application.id}/aksi/pay",
        data={
            "pay-csrf_token": TOKEN.search(app_page).group(1),
            "pay-seen_version": str(application.version),
            "pay-transfer_date": jakarta_today().isoformat(),
            "pay-transfer_reference": "SP2D-77",
        },
    )
    assert response.status_code == 302
    paid = db.session.scalar(
        sa.select(Disbursement).where(
            Disbursement.application_id == application.id, Disbursement.tranche_no == 1
        )
    )
    assert paid.status == "sent" and paid.reference == "SP2D-77"


def test_failed_transfer_goes_back_with_reason_and_deadline(client, staff):
    _, application = approved_sanitren(staff)
    login(client, staff["finance"])
    page = client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    response = client.post(
        f"/staf/permohonan/{application.id}/aksi/transfer_failed",
        data={
            "transfer_failed-csrf_token": TOKEN.search(page).group(1),
            "transfer_failed-seen_version": str(application.version),
            "transfer_failed-reason": "Rekening tidak aktif",
            "transfer_failed-deadline": (jakarta_today() + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    fresh = db.session.get(Application, application.id)
    assert fresh.stage == "bank_correction" and fresh.revision_note == "Rekening tidak aktif"


def test_dashboard_and_public_page_show_aggregates_without_personal_data(client, staff):
    _, application = approved_sanitren(staff)
    login(client, staff["head"])
    page = client.get("/staf/dasbor?program=sanitren").get_data(as_text=True)
    assert "<svg" in page and "Balaraja" in page and "Mekar Baru" in page
    assert "Rp130.000.000" in page
    anonymous = client.application.test_client()
    response = anonymous.get("/transparansi/?program=sanitren")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "public" in response.headers["Cache-Control"]
    assert "<svg" in text and application.applicant_name not in text
    assert application.number not in text
    csv_text = anonymous.get("/transparansi/data.csv?program=sanitren").get_data(as_text=True)
    assert "36.03.01" in csv_text and application.applicant_name not in csv_text
