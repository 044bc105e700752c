"""Applying for SANITREN through the portal with the Flask test client."""


import pytest
import sqlalchemy as sa

from app.applications.models import Application, Document
from app.extensions import db
from app.organizations.models import BankAccount, Organization
from tests.conftest import choose_language, csrf_from, post_form
from tests.portal.conftest import fresh, login
from tests.support.programs import PDF, act, fake_file, make_pesantren

PESANTREN = {
    "name": "Pondok Pesantren Al-Falah", "leader_name": "KH. Abdul Malik",
    "address": "Kp. Cangkudu RT 01/02", "desa_code": "36.03.01.2003", "phone": "+62 812-3456-7890",
    "npwp": "01.234.567.8-451.000", "pesantren_type": "salafi", "nspp": "510036030123",
    "resident_santri": "120", "active": "y",
}


def test_program_pages_show_purpose_amount_window_and_documents(client, sanitren):
    page = client.get("/program").get_data(as_text=True)
    assert "SANITREN" in page and "Insentif Guru Ngaji" in page
    detail = client.get("/program/sanitren")
    text = detail.get_data(as_text=True)
    assert detail.status_code == 200
    assert "Rp130.000.000" in text and "Surat permohonan" in text and "Pendaftaran dibuka" in text
    assert client.get("/program/tidak-ada").status_code == 404


def test_pesantren_profile_validates_each_identifier_and_keeps_input(client, applicant):
    login(client, applicant)
    bad = {**PESANTREN, "nspp": "5100360", "npwp": "12345", "phone": "0211234"}
    response = post_form(client, "/portal/lembaga/baru?jenis=pesantren", bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "NSPP" in text and "NPWP" in text and "error-summary" in text
    assert 'value="Pondok Pesantren Al-Falah"' in text and 'value="5100360"' in text
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0

    response = post_form(client, "/portal/lembaga/baru?jenis=pesantren", PESANTREN)
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organization).where(Organization.nspp == "510036030123"))
    assert org.npwp == "0012345678451000" and org.phone == "081234567890"
    assert org.profile["resident_santri"] == 120


HOLDER_MISMATCH = {
    "id": "Nama pemilik rekening berbeda dari nama pemohon; verifikator akan memeriksanya.",
    "en": "The account holder&#39;s name differs from the applicant&#39;s; a reviewer will "
          "check it.",
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_holder_mismatch_is_explained_in_the_chosen_language(client, applicant, compiled_catalog,
                                                             lang):
    org = make_pesantren(applicant, name="Pondok Pesantren Darul Ulum")
    login(client, applicant)
    choose_language(client, lang)
    kept = post_form(client, f"/portal/lembaga/{org.id}/rekening",
                     {"bank_name": "Bank BJB", "number": "0012345678",
                      "holder_name": "Abdul Malik"}, form_url=f"/portal/lembaga/{org.id}",
                     follow_redirects=True)
    html = kept.get_data(as_text=True)
    assert kept.status_code == 200
    assert HOLDER_MISMATCH[lang] in html
    assert HOLDER_MISMATCH["en" if lang == "id" else "id"] not in html


def _accounts(org) -> list[BankAccount]:
    return db.session.scalars(sa.select(BankAccount).where(
        BankAccount.organization_id == org.id).order_by(BankAccount.id)).all()


def test_a_yayasan_account_matches_and_a_mismatch_is_kept_for_the_reviewer(client, applicant):
    org = make_pesantren(applicant, name="Pondok Pesantren Al-Hikmah")
    login(client, applicant)
    url, form_url = f"/portal/lembaga/{org.id}/rekening", f"/portal/lembaga/{org.id}"
    yayasan = post_form(client, url, {"bank_name": "Bank BJB", "number": "0012-3456-78",
                                      "holder_name": "Yayasan Pondok Pesantren Al-Hikmah"},
                        form_url=form_url, follow_redirects=True)
    assert "berbeda dari nama pemohon" not in yayasan.get_data(as_text=True)
    assert _accounts(org)[-1].holder_matches and _accounts(org)[-1].number_last4 == "5678"
    other = post_form(client, url, {"bank_name": "Bank BJB", "number": "0012345679",
                                    "holder_name": "Abdul Malik"}, form_url=form_url)
    assert other.status_code == 302  # kept, not refused
    accounts = _accounts(org)
    assert [a.is_current for a in accounts][-2:] == [False, True]
    assert not accounts[-1].holder_matches


def test_precheck_lists_each_rule_with_reason_and_hint(client, applicant):
    org = make_pesantren(applicant, registered=False)
    org.pesantren_type = "modern"
    db.session.commit()
    login(client, applicant)
    page = client.get(f"/portal/program/sanitren/cek?lembaga={org.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Pesantren salafi atau pengembangan salafi" in text
    assert "Terdaftar di Kemenag Kabupaten Tangerang" in text
    assert text.count("Tidak memenuhi") >= 2 and "Perbaiki di profil" in text
    assert "Belum dapat dipastikan" in text  # answers are not given yet


def start_draft(client, org) -> Application:
    response = post_form(client, "/portal/program/sanitren/mulai", {"lembaga": org.id},
                         form_url=f"/portal/program/sanitren/cek?lembaga={org.id}")
    assert response.status_code == 302
    return db.session.scalar(sa.select(Application).where(
        Application.organization_id == org.id).order_by(Application.id.desc()))


ANSWERS = {"similar_aid_this_year": "tidak", "sanitation_adequate": "tidak",
           "resident_santri": "120", "toilet_count": "2",
           "sanitation_description": "MCK rusak, atap bocor"}


def upload_all(client, application, skip=()):
    from app.applications.workflow import definition_of

    url = f"/portal/permohonan/{application.id}/dokumen"
    data = {"csrf_token": csrf_from(client, url)}
    for d in definition_of(application).documents:
        if d.stage is None and d.mandatory and d.type not in skip:
            name, content = fake_file(d.accept)
            data[f"doc-{d.type}"] = (__import__("io").BytesIO(content), name)
    return client.post(url, data=data, content_type="multipart/form-data")


def test_draft_answers_documents_and_submit(client, applicant):
    org = make_pesantren(applicant)
    login(client, applicant)
    application = start_draft(client, org)
    assert application.answers["resident_santri"] == 120  # prefilled from the profile
    form_url = f"/portal/permohonan/{application.id}/isian"
    assert post_form(client, form_url, ANSWERS).status_code == 302
    application = fresh(application)
    assert application.answers["similar_aid_this_year"] is False

    blocked = post_form(client, f"/portal/permohonan/{application.id}/kirim", {})
    text = blocked.get_data(as_text=True)
    assert blocked.status_code == 422
    assert "Dokumen wajib belum lengkap" in text and "Belum diunggah" in text
    assert upload_all(client, application).status_code == 302
    sent = post_form(client, f"/portal/permohonan/{application.id}/kirim", {})
    assert sent.status_code == 302
    application = fresh(application)
    assert application.stage == "admin_verification"
    status = client.get(f"/portal/permohonan/{application.id}").get_data(as_text=True)
    assert "Kantor Kementerian Agama" in status and "Verifikasi administrasi" in status
    assert "Survei lapangan" in status  # an upcoming stage


def test_ineligible_submit_names_the_failing_rules(client, applicant):
    org = make_pesantren(applicant, registered=False)
    login(client, applicant)
    application = start_draft(client, org)
    post_form(client, f"/portal/permohonan/{application.id}/isian", ANSWERS)
    upload_all(client, application)
    blocked = post_form(client, f"/portal/permohonan/{application.id}/kirim", {})
    text = blocked.get_data(as_text=True)
    assert blocked.status_code == 422
    assert "Persyaratan kelayakan belum terpenuhi" in text
    assert "Terdaftar di Kemenag Kabupaten Tangerang" in text
    application = fresh(application)
    assert application.stage == "draft"


def test_duplicate_pesantren_is_explained(client, applicant):
    org = make_pesantren(applicant)
    login(client, applicant)
    first = start_draft(client, org)
    post_form(client, f"/portal/permohonan/{first.id}/isian", ANSWERS)
    upload_all(client, first)
    assert post_form(client, f"/portal/permohonan/{first.id}/kirim", {}).status_code == 302
    second = start_draft(client, org)
    post_form(client, f"/portal/permohonan/{second.id}/isian", ANSWERS)
    upload_all(client, second)
    blocked = post_form(client, f"/portal/permohonan/{second.id}/kirim", {})
    assert blocked.status_code == 422
    text = blocked.get_data(as_text=True)
    assert f"NSPP yang sama sudah ada pada permohonan {first.number}" in text


def test_revision_note_shown_then_resubmitted(client, applicant, kemenag):
    org = make_pesantren(applicant)
    login(client, applicant)
    application = start_draft(client, org)
    post_form(client, f"/portal/permohonan/{application.id}/isian", ANSWERS)
    upload_all(client, application)
    post_form(client, f"/portal/permohonan/{application.id}/kirim", {})
    application = fresh(application)
    act(application, "return", kemenag, reason="Akta yayasan buram, unggah ulang")

    status = client.get(f"/portal/permohonan/{application.id}").get_data(as_text=True)
    assert "Akta yayasan buram, unggah ulang" in status and "Batas waktu perbaikan" in status
    form = client.get(f"/portal/permohonan/{application.id}/isian").get_data(as_text=True)
    assert "<mark>Akta yayasan buram, unggah ulang</mark>" in form
    dashboard = client.get("/portal").get_data(as_text=True)
    assert "Perlu perbaikan" in dashboard

    import io
    url = f"/portal/permohonan/{application.id}/dokumen"
    client.post(url, data={"csrf_token": csrf_from(client, url),
                           "doc-legal_basis": (io.BytesIO(PDF), "akta-baru.pdf")},
                content_type="multipart/form-data")
    versions = db.session.scalars(sa.select(Document).where(
        Document.application_id == application.id, Document.doc_type == "legal_basis")
        .order_by(Document.version)).all()
    assert [(d.version, d.is_current) for d in versions] == [(1, False), (2, True)]
    page = client.get(f"/portal/permohonan/{application.id}/kirim").get_data(as_text=True)
    assert "Kirim perbaikan" in page
    assert post_form(client, f"/portal/permohonan/{application.id}/kirim", {}).status_code == 302
    application = fresh(application)
    assert application.stage == "admin_verification"
