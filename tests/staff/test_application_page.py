"""The staff application page: generated decision forms, refusals that keep the input, NIK reads."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.agencies.models import Agency
from app.applications.models import Application, Decision, Document, StageTask
from app.applications.queries import open_task
from app.audit.models import AuditEvent
from app.common.i18n import jakarta_today
from app.extensions import db
from app.organizations.models import Person
from app.programs.models import ProgramBudget
from tests.conftest import choose_language
from tests.staff.conftest import login, nominate_guru, submitted_sanitren
from tests.support.programs import JPG, act, attach_for_stage

pytestmark = pytest.mark.usefixtures("staff")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def page_of(client, application):
    response = client.get(f"/staf/permohonan/{application.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def token(client, application):
    return TOKEN.search(page_of(client, application)).group(1)


def post_action(client, application, action, data, **kwargs):
    payload = {
        f"{action}-csrf_token": token(client, application),
        f"{action}-seen_version": str(application.version),
    }
    payload.update({f"{action}-{k}": v for k, v in data.items()})
    return client.post(f"/staf/permohonan/{application.id}/aksi/{action}", data=payload, **kwargs)


CHECKLIST = {
    f"admin_checklist__{k}": "y"
    for k in (
        "nspp_valid",
        "salafi_confirmed",
        "legal_docs_valid",
        "land_status_clear",
        "bank_account_matches",
    )
}


def test_verify_form_is_generated_from_the_definition_and_fires(client, staff):
    _, application = submitted_sanitren()
    login(client, staff["kemenag"])
    page = page_of(client, application)
    for item in ("NSPP sesuai data Kemenag", "Kembalikan untuk perbaikan", "Batas waktu perbaikan"):
        assert item in page
    response = post_action(client, application, "verify", CHECKLIST)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).stage == "field_survey"


def test_reject_without_reason_is_422_and_keeps_nothing_lost(client, staff):
    _, application = submitted_sanitren()
    login(client, staff["kemenag"])
    response = post_action(client, application, "reject", {"reason": "  "})
    assert response.status_code == 422
    assert "Alasan wajib diisi." in response.get_data(as_text=True)
    response = post_action(
        client,
        application,
        "return",
        {"reason": "Akta buram, unggah ulang", "deadline": jakarta_today().isoformat()},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Batas waktu harus setelah hari ini." in text and "Akta buram, unggah ulang" in text


OVER_BUDGET = {
    "id": "Pagu anggaran tahun ini tidak mencukupi.",
    "en": "This fiscal year&#39;s budget ceiling is not sufficient.",
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_approval_over_budget_is_refused_in_the_chosen_language(client, staff, compiled_catalog,
                                                               lang):
    _, application = submitted_sanitren()
    act(application, "verify", staff["kemenag"])
    attach_for_stage(application, staff["bappeda"], types=("survey_photo",))
    act(application, "complete_survey", staff["bappeda"])
    act(application, "recommend", staff["bappeda"])
    ceiling = db.session.scalar(sa.select(ProgramBudget).where(
        ProgramBudget.program_key == "sanitren",
        ProgramBudget.fiscal_year == application.fiscal_year))
    ceiling.reserved = ceiling.ceiling
    db.session.commit()
    login(client, staff["head"])
    choose_language(client, lang)
    response = post_action(client, application, "approve", {})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert OVER_BUDGET[lang] in text
    assert OVER_BUDGET["en" if lang == "id" else "id"] not in text
    db.session.expire_all()
    assert db.session.get(Application, application.id).stage == "decision"


def test_return_for_revision_with_note_and_deadline(client, staff):
    _, application = submitted_sanitren()
    login(client, staff["kemenag"])
    deadline = (jakarta_today() + timedelta(days=7)).isoformat()
    response = post_action(
        client, application, "return", {"reason": "Akta buram", "deadline": deadline}
    )
    assert response.status_code == 302
    db.session.expire_all()
    fresh = db.session.get(Application, application.id)
    assert fresh.stage == "revision" and fresh.revision_deadline.isoformat() == deadline


def test_stale_page_gets_already_handled_with_its_input(client, staff):
    _, application = submitted_sanitren()
    login(client, staff["kemenag"])
    stale_token, stale_version = token(client, application), application.version
    assert post_action(client, application, "verify", CHECKLIST).status_code == 302
    response = client.post(
        f"/staf/permohonan/{application.id}/aksi/return",
        data={
            "return-csrf_token": stale_token,
            "return-seen_version": str(stale_version),
            "return-reason": "Catatan yang tidak boleh hilang",
            "return-deadline": (jakarta_today() + timedelta(days=5)).isoformat(),
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "sudah ditangani" in text and "Catatan yang tidak boleh hilang" in text


def test_a_second_tap_of_the_same_decision_lands_on_the_queue_with_a_notice(client, staff):
    """The same reviewer's form sent twice (a double tap, a resend on a slow line): the first
    decides, the second is told it was saved; no 409 page saying someone else handled it."""
    _, application = submitted_sanitren()
    login(client, staff["kemenag"])
    payload = {"verify-csrf_token": token(client, application),
               "verify-seen_version": str(application.version),
               **{f"verify-{k}": v for k, v in CHECKLIST.items()}}
    url = f"/staf/permohonan/{application.id}/aksi/verify"
    assert client.post(url, data=payload).status_code == 302
    again = client.post(url, data=payload, follow_redirects=True)
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and again.request.path == "/staf/antrean"
    assert "sudah tersimpan sebelumnya" in text and "sudah ditangani" not in text
    decisions = db.session.scalars(sa.select(Decision).where(
        Decision.application_id == application.id, Decision.action == "verify")).all()
    assert len(decisions) == 1


def test_the_agency_head_hands_a_task_to_a_colleague_chosen_from_the_list(client, staff):
    """The assign select lists the agency's holders of the stage's role (by name, id as value);
    the chosen colleague gets the task, and an id that is not in the list is refused."""
    _, application = submitted_sanitren()
    login(client, staff["kemenag"])
    assert post_action(client, application, "verify", CHECKLIST).status_code == 302
    task = open_task(application)
    task_id = task.id
    assert (db.session.get(Agency, task.agency_id).code, task.role) == ("BAPPEDA", "reviewer")
    colleague = staff["bappeda"]
    client = client.application.test_client()
    login(client, staff["head"])
    page = page_of(client, application)
    assert f'<option value="{colleague.id}">{colleague.full_name}</option>' in page
    url = f"/staf/tugas/{task_id}/serahkan"
    refused = client.post(url, data={"csrf_token": token(client, application),
                                     "assignee": str(staff["kemenag"].id)},
                          follow_redirects=True)
    assert "Pilih petugas yang akan menangani berkas ini." in refused.get_data(as_text=True)
    claimed = sa.select(StageTask.claimed_by_user_id).where(StageTask.id == task_id)
    assert db.session.scalar(claimed) is None
    handed = client.post(url, data={"csrf_token": token(client, application),
                                    "assignee": str(colleague.id)}, follow_redirects=True)
    assert "Berkas diserahkan." in handed.get_data(as_text=True)
    assert db.session.scalar(claimed) == colleague.id


def test_survey_with_photo_upload_and_geotag(client, staff):
    _, application = submitted_sanitren()
    login(client, staff["kemenag"])
    assert post_action(client, application, "verify", CHECKLIST).status_code == 302
    client.post("/keluar", data={"csrf_token": token(client, application)})
    bappeda = client.application.test_client()
    login(bappeda, staff["bappeda"])
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    import io

    data = {
        "survey_date": jakarta_today().isoformat(),
        "site_location__lat": "-6.1783",
        "site_location__lon": "106.4965",
        "findings": "Lahan tersedia",
        **{
            f"survey_checklist__{k}": "y"
            for k in ("sanitation_inadequate", "land_available", "water_source", "santri_resident")
        },
    }
    payload = {f"complete_survey-{k}": v for k, v in data.items()}
    payload.update(
        {
            "complete_survey-csrf_token": token(bappeda, application),
            "complete_survey-seen_version": str(application.version),
            "complete_survey-doc__survey_photo": (io.BytesIO(JPG), "survei.jpg"),
        }
    )
    response = bappeda.post(
        f"/staf/permohonan/{application.id}/aksi/complete_survey",
        data=payload,
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    photo = db.session.scalar(
        sa.select(Document).where(
            Document.application_id == application.id, Document.doc_type == "survey_photo"
        )
    )
    assert photo.meta["geo"] == {"lat": -6.1783, "lon": 106.4965}
    assert photo.uploaded_by_user_id == staff["bappeda"].id
    decision = db.session.get(Application, application.id).decisions[-1]
    assert decision.fields["site_location"] == {"lat": -6.1783, "lon": 106.4965}


def test_full_nik_only_on_an_explicit_post_and_recorded(client, staff):
    application = nominate_guru(staff["operator"])
    person = db.session.get(Person, application.person_id)
    nik = person.reveal_nik()
    login(client, staff["kesra"])
    page = page_of(client, application)
    assert nik not in page and nik[:4] in page
    before = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "personal_data.read")
    )
    response = client.post(
        f"/staf/permohonan/{application.id}/nik", data={"csrf_token": token(client, application)}
    )
    assert response.status_code == 200 and nik in response.get_data(as_text=True)
    event = db.session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "personal_data.read")
        .order_by(AuditEvent.seq.desc())
    )
    assert event.object_type == "person" and event.object_id == str(person.id)
    assert event.actor_user_id == staff["kesra"].id
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "personal_data.read")
        )
        == before + 1
    )


def test_document_preview_is_inline_and_recorded(client, staff):
    _, application = submitted_sanitren()
    doc = application.current_documents()[0]
    login(client, staff["kemenag"])
    response = client.get(f"/staf/permohonan/{application.id}/dokumen/{doc.id}")
    assert response.status_code == 200 and response.mimetype == doc.content_type
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert (
        db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.action == "personal_data.read",
                AuditEvent.object_id == str(application.id),
                AuditEvent.actor_user_id == staff["kemenag"].id,
            )
        )
        is not None
    )
    other = client.application.test_client()
    login(other, staff["disdik"])
    assert other.get(f"/staf/permohonan/{application.id}/dokumen/{doc.id}").status_code == 404


def test_the_cameras_geotag_and_time_and_an_unscanned_upload_are_shown(client, staff, app,
                                                                       monkeypatch, tmp_path):
    """The EXIF geotag and capture time kept from a photo (file_checks) are shown beside it, and
    a file kept while the virus scanner was out of reach says so."""
    from app.applications import documents
    from tests.security.test_hostile_files import geotagged_jpeg

    owner, application = submitted_sanitren()
    monkeypatch.setitem(app.config, "CLAMD_SOCKET", str(tmp_path / "no-clamd.sock"))
    photo = documents.attach(application, "site_photos", "lokasi.jpg", geotagged_jpeg(), owner)
    db.session.commit()
    assert photo.meta["virus_scan"] == "pending"
    login(client, staff["kemenag"])
    page = page_of(client, application)
    assert "Geotag: -6.1783, 106.4965 · Diambil 2026-02-03 09:15" in page
    assert "Belum dipindai antivirus" in page
