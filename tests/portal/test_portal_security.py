"""Uploads that must be refused cleanly, the 413 page, kept input, and IDOR (another's → 404)."""

import io

import pytest
import sqlalchemy as sa

from app.applications import operations as applications
from app.applications.models import Document
from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import choose_language, csrf_from, post_form
from tests.portal.conftest import fresh, login
from tests.support.factories import create_applicant, create_staff
from tests.support.programs import PDF, PNG, make_pesantren, sanitren_draft


@pytest.fixture
def draft(applicant):
    org = make_pesantren(applicant)
    application = applications.create_draft("sanitren", owner=applicant, organization=org)
    db.session.commit()
    return application


def upload(client, application, field, filename, content):
    url = f"/portal/permohonan/{application.id}/dokumen"
    return client.post(url, data={"csrf_token": csrf_from(client, url),
                                  f"doc-{field}": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def stored(application):
    return db.session.scalars(sa.select(Document).where(
        Document.application_id == application.id)).all()


@pytest.mark.parametrize(("filename", "content"), [
    ("surat.pdf", PNG),                                          # PNG bytes named .pdf
    ("surat.pdf", b"<html><script>alert(1)</script></html>"),    # HTML named .pdf
    ("surat.pdf", b"MZ\x90\x00 executable"),
])
def test_forged_type_is_refused_and_nothing_stored(client, applicant, draft, uploads,
                                                    filename, content):
    login(client, applicant)
    response = upload(client, draft, "cover_letter", filename, content)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Isi berkas bukan PDF yang sah" in text and 'aria-invalid="true"' in text
    assert stored(draft) == []
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))


def test_forged_type_is_refused_in_english_when_chosen(client, applicant, draft,
                                                       compiled_catalog):
    login(client, applicant)
    choose_language(client, "en")
    response = upload(client, draft, "cover_letter", "surat.pdf", PNG)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The file content is not a valid PDF file." in text
    assert "Isi berkas bukan" not in text
    assert stored(draft) == []


def test_oversized_file_is_refused_with_the_limit(client, applicant, draft, uploads):
    login(client, applicant)
    big = PDF + b"0" * (5 * 1024 * 1024)  # cover letter limit: 5 MB
    response = upload(client, draft, "cover_letter", "surat.pdf", big)
    assert response.status_code == 422
    assert "melebihi batas 5 MB" in response.get_data(as_text=True)
    assert stored(draft) == []


def test_path_in_the_name_is_stripped(client, applicant, draft, folder_uploads):
    login(client, applicant)
    response = upload(client, draft, "cover_letter", "../../etc/passwd.pdf", PDF)
    assert response.status_code == 302
    [document] = stored(draft)
    assert document.filename == "passwd.pdf"
    files = [p for p in folder_uploads.rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].name == document.storage_key
    assert files[0].resolve().is_relative_to(folder_uploads.resolve())


def test_request_over_max_content_length_gets_a_friendly_413(client, app, applicant, draft,
                                                               monkeypatch):
    login(client, applicant)
    url = f"/portal/permohonan/{draft.id}/dokumen"
    token = csrf_from(client, url)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    response = client.post(url, data={"csrf_token": token,
                                      "doc-proposal": (io.BytesIO(PDF + b"0" * 100_000), "p.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Berkas terlalu besar" in text and "melebihi batas ukuran" in text
    assert "Kembali ke beranda" in text  # a page of the site, not a bare error


def test_refused_form_keeps_what_was_typed_and_the_saved_draft(client, applicant, draft):
    login(client, applicant)
    url = f"/portal/permohonan/{draft.id}/isian"
    first = {"similar_aid_this_year": "tidak", "sanitation_adequate": "tidak",
             "resident_santri": "120", "sanitation_description": "Atap MCK bocor"}
    assert post_form(client, url, first).status_code == 302
    refused = post_form(client, url, {"similar_aid_this_year": "", "sanitation_adequate": "ya",
                                      "resident_santri": "seratus",
                                      "sanitation_description": "Sumur kering sejak 2024"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Sumur kering sejak 2024" in text and 'value="seratus"' in text
    assert "Pilih Ya atau Tidak." in text and "error-summary" in text
    draft = fresh(draft)
    assert draft.answers["sanitation_description"] == "Atap MCK bocor"
    assert draft.answers["resident_santri"] == 120


def test_other_applicant_gets_404_everywhere(client, applicant, uploads):
    org = make_pesantren(applicant)
    application = sanitren_draft(applicant, org)
    document = stored(application)[0]
    other = create_applicant(name="Pemohon Lain")
    login(client, other)
    base = f"/portal/permohonan/{application.id}"
    for url in (base, f"{base}/isian", f"{base}/dokumen", f"{base}/kirim",
                f"/permohonan/{application.id}/dokumen/{document.id}",
                f"/portal/lembaga/{org.id}", f"/portal/program/sanitren/cek?lembaga={org.id}"):
        assert client.get(url).status_code == 404, url
    token = csrf_from(client, "/portal")
    for url in (f"{base}/isian", f"{base}/kirim", f"{base}/aksi", f"{base}/rekening",
                f"/portal/lembaga/{org.id}/rekening", "/portal/program/sanitren/mulai"):
        data = {"csrf_token": token, "action": "withdraw", "lembaga": org.id}
        assert client.post(url, data=data).status_code == 404, url
    assert fresh(application).stage == "draft"


def test_document_download_is_an_attachment_and_staff_reads_are_audited(client, applicant,
                                                                          uploads):
    org = make_pesantren(applicant)
    application = sanitren_draft(applicant, org)
    document = stored(application)[0]
    url = f"/permohonan/{application.id}/dokumen/{document.id}"
    login(client, applicant)
    response = client.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/permohonan/{application.id + 1}/dokumen/{document.id}").status_code == 404

    reviewer = create_staff("reviewer", "KEMENAG")
    client.post("/keluar", data={"csrf_token": csrf_from(client, "/portal")})
    login(client, reviewer)
    before = db.session.scalar(sa.select(sa.func.count(AuditEvent.seq)).where(
        AuditEvent.action == "personal_data.read"))
    assert client.get(url).status_code == 200
    after = db.session.scalar(sa.select(sa.func.count(AuditEvent.seq)).where(
        AuditEvent.action == "personal_data.read"))
    assert after == before + 1
