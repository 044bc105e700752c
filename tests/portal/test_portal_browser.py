"""The applicant's journey in a real browser (Chromium), at 375 px and 1280 px, with axe-core.

A pesantren registers, fails the pre-check, fixes its profile, applies for SANITREN with
documents, is asked to revise, resubmits and sees the approval. The staff steps are driven
through the workflow operations, as the staff workspace would.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.applications.models import Application
from app.extensions import db
from app.organizations.models import Organization
from app.registers.models import RegisterEntry
from tests.support.browser import (
    DESKTOP,
    PHONE,
    no_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
)
from tests.support.factories import PASSWORD, create_staff
from tests.support.programs import JPG, PDF, act, attach_for_stage, open_program

pytestmark = pytest.mark.browser
NSPP = "510036030777"


def check_page(page, name: str) -> None:
    """No horizontal scroll at 375 px, screenshots at both widths, no serious axe violations."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {viewport['width']} px"
        screenshot(page, f"portal-{name}-{viewport['width']}")
    violations = serious_accessibility_violations(page)
    assert violations == [], (name, [(v["id"], v["nodes"][0]["target"]) for v in violations])
    page.set_viewport_size(PHONE)


def in_app(live_app, fn):
    with live_app.app_context():
        try:
            return fn()
        finally:
            db.session.remove()


def the_application(live_app) -> int:
    return in_app(live_app, lambda: db.session.scalar(
        sa.select(Application.id).join(Organization, Organization.id == Application.organization_id)
        .where(Organization.nspp == NSPP)))


def staff_acts(live_app, steps):
    def run():
        application = db.session.scalar(sa.select(Application).join(
            Organization, Organization.id == Application.organization_id)
            .where(Organization.nspp == NSPP))
        for who, action, kwargs in steps:
            if action == "attach_survey":
                attach_for_stage(application, who(), types=("survey_photo",))
            else:
                act(application, action, who(), **kwargs)
    in_app(live_app, run)


def make_files(tmp_path):
    pdf, jpg = tmp_path / "dokumen.pdf", tmp_path / "foto.jpg"
    pdf.write_bytes(PDF)
    jpg.write_bytes(JPG)
    return {"pdf": str(pdf), "jpg": str(jpg)}


def test_pesantren_applies_for_sanitren_in_the_browser(live_app, browser, tmp_path):
    live_app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    in_app(live_app, lambda: open_program("sanitren"))
    files = make_files(tmp_path)
    base = live_app.config["LIVE_URL"]
    page = browser.new_page(viewport=PHONE)

    # Register through /daftar
    page.goto(base + "/daftar")
    page.fill("#full_name", "KH. Abdul Malik")
    page.fill("#email", "pengasuh@alfalah.contoh.id")
    page.fill("#phone", "0812 3456 7890")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.get_by_role("button", name="Daftar").click()
    page.get_by_text("Pendaftaran berhasil").wait_for()

    # Program pages
    page.goto(base + "/program")
    check_page(page, "program-list")
    page.get_by_role("link", name="SANITREN - Sanitasi Pondok Pesantren").click()
    page.get_by_text("Rp130.000.000").first.wait_for()
    check_page(page, "program-detail")
    page.get_by_role("link", name="Ajukan permohonan").click()

    # Profile: a "modern" pesantren whose NSPP Kemenag does not list
    page.get_by_role("link", name="Daftarkan profil lembaga baru").click()
    page.fill("#name", "Pondok Pesantren Al-Falah")
    page.fill("#address", "Kp. Cangkudu RT 01/02")
    page.select_option("#desa_code", "36.03.01.2003")
    page.fill("#npwp", "01.234.567.8-451.000")
    page.select_option("#pesantren_type", "modern")
    page.fill("#nspp", "5100360")
    page.fill("#resident_santri", "120")
    page.get_by_role("button", name="Simpan profil lembaga").click()
    page.locator("[data-error-summary]").wait_for()
    assert page.input_value("#name") == "Pondok Pesantren Al-Falah"  # nothing typed is lost
    assert page.input_value("#nspp") == "5100360"
    page.fill("#nspp", NSPP)
    page.get_by_role("button", name="Simpan profil lembaga").click()
    page.get_by_text("Profil lembaga tersimpan").wait_for()
    check_page(page, "profile")
    page.fill("#bank_name", "Bank BJB")
    page.fill("#number", "0012 3456 78")
    page.fill("#holder_name", "PONPES AL-FALAH")
    page.get_by_role("button", name="Simpan rekening").click()
    page.get_by_text("Rekening tersimpan").wait_for()

    # Pre-check fails with reasons
    page.get_by_role("link", name="Periksa syarat").click()
    page.get_by_text("Ada syarat yang belum terpenuhi").wait_for()
    assert page.locator(".rule--fail").count() >= 2
    assert "Pesantren salafi atau pengembangan salafi" in page.content()
    check_page(page, "precheck-failed")

    # Fix: Kemenag lists the NSPP (register import) and the type is corrected
    def register():
        db.session.add(RegisterEntry(register="pesantren", key_kind="nspp", key_value=NSPP,
                                     attributes={"name": "Pondok Pesantren Al-Falah"}))
        db.session.commit()
    in_app(live_app, register)
    page.get_by_role("link", name="Perbaiki profil").first.click()
    page.select_option("#pesantren_type", "salafi")
    page.get_by_role("button", name="Simpan profil lembaga").click()
    page.get_by_text("Tidak ada syarat yang gagal").wait_for()

    # The form, in steps
    page.get_by_role("button", name="Mulai mengisi formulir").click()
    page.get_by_text("Langkah 1: Isi data permohonan").wait_for()
    check_page(page, "form-step")
    page.check("#similar_aid_this_year-1")
    page.check("#sanitation_adequate-1")
    page.fill("#sanitation_description", "Dua pintu MCK rusak, sumur sering kering.")
    page.get_by_role("button", name="Simpan dan lanjut ke dokumen").click()
    page.get_by_text("Langkah 2: Unggah dokumen").wait_for()
    for input_ in page.locator("input[type=file]").all():
        accept = input_.get_attribute("accept") or ""
        input_.set_input_files(files["pdf"] if ".pdf" in accept else files["jpg"])
    page.get_by_role("button", name="Unggah berkas terpilih").click()
    page.get_by_text("berkas tersimpan").wait_for()
    check_page(page, "documents-step")
    page.get_by_role("link", name="Lanjut: periksa dan kirim").click()
    page.get_by_role("button", name="Ajukan usulan").click()
    page.get_by_text("Permohonan terkirim").wait_for()
    assert "Kantor Kementerian Agama Kabupaten Tangerang" in page.content()
    check_page(page, "status-submitted")

    # Kemenag returns it for revision
    staff_acts(live_app, [(lambda: create_staff("reviewer", "KEMENAG"), "return",
                           {"reason": "Akta yayasan buram, mohon unggah ulang"})])
    page.reload()
    page.locator("mark", has_text="Akta yayasan buram").wait_for()
    page.get_by_role("link", name="Perbaiki permohonan").click()
    page.get_by_role("link", name="Unggah dokumen").click()
    page.set_input_files("#doc-legal_basis", files["pdf"])
    page.get_by_role("button", name="Unggah berkas terpilih").click()
    page.get_by_text("1 berkas tersimpan").wait_for()
    page.get_by_role("link", name="Lanjut: periksa dan kirim").click()
    page.get_by_role("button", name="Kirim perbaikan").click()
    page.get_by_text("Permohonan terkirim").wait_for()

    # Survey, recommendation and approval by Bappeda
    bappeda = {}

    def reviewer():
        bappeda.setdefault("r", create_staff("reviewer", "BAPPEDA"))
        return bappeda["r"]
    staff_acts(live_app, [
        (lambda: create_staff("reviewer", "KEMENAG"), "verify", {}),
        (reviewer, "attach_survey", {}),
        (reviewer, "complete_survey", {}),
        (reviewer, "recommend", {}),
        (lambda: create_staff("approver", "BAPPEDA"), "approve", {}),
    ])
    page.reload()
    page.get_by_text("Penandatanganan NPHD oleh penerima").first.wait_for()
    assert "Rp130.000.000" in page.content() and "Tetapkan sebagai penerima" in page.content()
    check_page(page, "status-approved")
    page.goto(base + "/portal")
    page.get_by_role("heading", name="Perlu tindakan Anda").wait_for()
    check_page(page, "dashboard")
    assert the_application(live_app)
    page.close()


def test_village_operator_upload_reports_each_row(live_app, browser, tmp_path):
    desa = "36.03.01.2003"

    def setup():
        open_program("guru_ngaji")
        return create_staff("village_operator", region_code=desa).email
    email = in_app(live_app, setup)
    csv = tmp_path / "usulan-guru-ngaji.csv"
    csv.write_text(
        "nama,nik,kode_desa,alamat,mengajar_sejak,jumlah_santri,asn,penghasilan_tetap\n"
        f"Ahmad Fauzi,3603011201850001,{desa},Kp. Cangkudu,2015-07-01,25,tidak,tidak\n"
        f"Baris Salah,3603019901850002,{desa},Kp. Cangkudu,2015-07-01,25,tidak,tidak\n")
    base = live_app.config["LIVE_URL"]
    page = browser.new_page(viewport=PHONE)
    page.goto(base + "/masuk")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    page.goto(base + "/portal/operator")
    page.set_input_files("#file", str(csv))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.get_by_text("1 baris diterima, 1 baris ditolak.").wait_for()
    refused = page.locator(".import-row--refused")
    assert refused.count() == 1
    assert "Baris Salah" in refused.inner_text() and "NIK" in refused.inner_text()
    check_page(page, "operator-upload")
    page.close()
