"""What people see of a decision, in a real browser (Playwright + Debian Chromium), issue 16.

One SANITREN and one KEMBANGKU application from registration to completion. The applicant's
and the deciding officers' key steps are driven in the browser (at 375 px, screenshots under
test-output/screenshots), the rest through the workflow operations. Checked on the way: the
grounds of earlier stages are visible to the approver; the agreement PDF is downloadable and
states the amount and the tranches (or the repayment schedule); the QR link's page verifies;
a double submit lands on the status page and the button disables itself while sending; the
decision-file PDF shows the survey findings, the photo and the SP2D reference.
"""

from __future__ import annotations

import io
import re

import pypdf
import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from app.accounts.models import User
from app.applications import documents
from app.applications import operations as applications
from app.applications.models import Application
from app.common.i18n import jakarta_today
from app.extensions import db
from tests.staff.test_browser_workflow import sign_in
from tests.support.browser import (
    PHONE,
    no_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
)
from tests.support.factories import PASSWORD, create_staff
from tests.support.programs import (
    act,
    attach_for_stage,
    make_koperasi,
    make_pesantren,
    open_program,
    sanitren_draft,
)

pytestmark = pytest.mark.browser
FINDINGS = "Lahan wakaf 6x9 m tersedia di belakang asrama putra."
SP2D = "SP2D-0417/BPKAD/2026"


def pdf_text(data: bytes) -> str:
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def pdf_images(data: bytes) -> int:
    return sum(len(p.images) for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def real_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (96, 72), (40, 110, 70)).save(out, "JPEG")
    return out.getvalue()


def in_app(live_app, fn):
    with live_app.app_context():
        try:
            return fn()
        finally:
            db.session.remove()


def look(page, name: str) -> None:
    """375 px: no sideways scroll, a screenshot, no serious axe violation."""
    page.set_viewport_size(PHONE)
    assert no_horizontal_scroll(page), f"{name} scrolls sideways at 375 px"
    screenshot(page, f"decision-{name}-375")
    violations = serious_accessibility_violations(page)
    assert violations == [], (name, [(v["id"], v["nodes"][0]["target"]) for v in violations])


def register(browser, live_app, email: str, name: str):
    """A new applicant registers through /daftar and stays signed in."""
    from app.extensions import limiter

    in_app(live_app, limiter.reset)
    page = browser.new_context(viewport=PHONE, accept_downloads=True).new_page()
    page.goto(live_app.config["LIVE_URL"] + "/daftar")
    page.fill("#full_name", name)
    page.fill("#email", email)
    page.fill("#phone", "0812 3456 7890")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.get_by_role("button", name="Daftar").click()
    page.get_by_text("Pendaftaran berhasil").wait_for()
    return page


def user_by_email(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def staff_team(agencies) -> dict:
    team = {}
    for key, (role, agency) in agencies.items():
        user = create_staff(role, agency)
        if role == "approver":
            user.job_title, user.nip = f"Kepala {agency}", "197001012000031001"
        team[key] = user.email
    db.session.commit()
    return team


def fire(live_app, application_id: int, steps) -> None:
    """Staff or applicant steps through the operations: (email, action, fields) or uploads."""

    def run():
        application = db.session.get(Application, application_id)
        for email, action, fields in steps:
            who = user_by_email(email)
            if action == "attach":
                attach_for_stage(application, who, **fields)
            else:
                act(application, action, who, **fields)

    in_app(live_app, run)


def double_submit(page, base: str, application_id: int, label: str) -> None:
    """Tap the submit button twice while the first request is held: one request leaves and
    the button is disabled. (The form is aimed at a frame so the page stays scriptable while
    the request waits; our pages refuse to be framed, which does not matter here.)
    A resent copy of the form afterwards lands on the status page."""
    url = f"{base}/portal/permohonan/{application_id}/kirim"
    status = f"/portal/permohonan/{application_id}"
    page.goto(url)
    token = page.locator("input[name=csrf_token]").first.input_value()
    form = "document.querySelector(\"form[action$='/kirim']\")"
    page.evaluate(
        f"() => {{ const f = document.createElement('iframe'); f.name = 'held'; "
        f"document.body.appendChild(f); {form}.target = 'held'; }}"
    )
    held = []
    page.route(url, lambda route: held.append(route))
    button = page.get_by_role("button", name=label)
    button.click()
    page.wait_for_function(f"() => {form}.querySelector('button').disabled", polling=100)
    assert page.evaluate(f"{form}.querySelector('button').getAttribute('aria-busy')") == "true"
    page.evaluate(f"{form}.querySelector('button').click()")  # the second tap
    page.wait_for_timeout(500)
    assert len(held) == 1, "the second tap sent the form again"
    with page.expect_response(url) as first:
        held[0].continue_()
    assert first.value.status == 302  # the submit went through (then redirected)
    page.unroute(url)
    again = page.request.post(url, form={"csrf_token": token})
    assert again.ok and again.url.endswith(status), again.url  # followed the 303
    assert "Permohonan ini sudah terkirim" in again.text()
    page.goto(base + status)


def download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def verify_qr(page, base: str, text: str) -> None:
    path = re.search(r"verifikasi/(\d+-[a-z2-7]+)", text.replace(" ", ""))
    assert path, "no verification link in the PDF"
    page.goto(f"{base}/verifikasi/{path.group(1)}")
    page.get_by_text("Dokumen asli").wait_for()
    look(page, "verification")


def test_sanitren_from_registration_to_completion(live_app, browser, tmp_path):
    live_app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    base = live_app.config["LIVE_URL"]
    team = in_app(
        live_app,
        lambda: (
            open_program("sanitren"),
            staff_team(
                {
                    "kemenag": ("reviewer", "KEMENAG"),
                    "bappeda": ("reviewer", "BAPPEDA"),
                    "head": ("approver", "BAPPEDA"),
                    "finance": ("finance", "BPKAD"),
                    "auditor": ("auditor", "INSPEKTORAT"),
                }
            ),
        )[1],
    )
    applicant = register(browser, live_app, "pengasuh@alhikmah.contoh.id", "KH. Pengasuh")

    def draft():
        user = user_by_email("pengasuh@alhikmah.contoh.id")
        return sanitren_draft(user, make_pesantren(user)).id

    app_id = in_app(live_app, draft)
    double_submit(applicant, base, app_id, "Ajukan usulan")
    look(applicant, "sanitren-submitted")

    def survey():
        application = db.session.get(Application, app_id)
        act(application, "verify", user_by_email(team["kemenag"]))
        bappeda = user_by_email(team["bappeda"])
        documents.attach(
            application,
            "survey_photo",
            "survei.jpg",
            real_jpeg(),
            bappeda,
            meta={"geo": {"lat": -6.1783, "lon": 106.4965}},
        )
        act(
            application,
            "complete_survey",
            bappeda,
            findings=FINDINGS,
            site_location={"lat": -6.1783, "lon": 106.4965},
        )
        act(application, "recommend", bappeda, recommendation_note="Layak: sanitasi darurat.")

    in_app(live_app, survey)

    head = sign_in(browser, live_app, team["head"])
    head.goto(f"{base}/staf/permohonan/{app_id}")
    grounds = head.locator("#dasar")
    for text in (
        FINDINGS,
        "Daftar periksa lapangan",
        "Lahan 5x9 m tersedia",
        "Layak: sanitasi darurat.",
        "NSPP sesuai data Kemenag",
        "-6.1783, 106.4965",
    ):
        expect(grounds).to_contain_text(text)
    expect(grounds.locator("img.photo-grid__image")).to_have_count(1)
    grounds.locator("img.photo-grid__image").scroll_into_view_if_needed()
    head.wait_for_function(
        "() => document.querySelector('#dasar img.photo-grid__image').naturalWidth > 0"
    )
    look(head, "sanitren-approver")
    head.locator("#aksi-approve summary").click()
    head.locator("#aksi-approve").get_by_role("button", name="Tetapkan sebagai penerima").click()
    head.get_by_text("tersimpan").first.wait_for()

    applicant.goto(f"{base}/portal/permohonan/{app_id}")
    expect(applicant.locator(".timeline")).to_contain_text(FINDINGS)
    look(applicant, "sanitren-agreement-stage")
    nphd = download(applicant, "Naskah Perjanjian Hibah Daerah (NPHD) (PDF)")
    text = pdf_text(nphd)
    for expected in (
        "Rp130.000.000",
        "Tahap I (70%)",
        "Rp91.000.000",
        "Tahap II (30%)",
        "Rp39.000.000",
        "Kepala BAPPEDA",
        "NIP 197001012000031001",
    ):
        assert expected in text, expected
    verify_qr(applicant, base, text)
    applicant.goto(f"{base}/portal/permohonan/{app_id}")
    pdf = tmp_path / "ditandatangani.pdf"
    pdf.write_bytes(nphd)
    for doc in ("signed_nphd", "sptjm", "integrity_pact"):
        applicant.set_input_files(f"#doc-{doc}", str(pdf))
    applicant.get_by_role("button", name="Unggah berkas terpilih").click()
    applicant.get_by_text("3 berkas tersimpan").wait_for()
    applicant.get_by_role("button", name="Kirim NPHD bertanda tangan").click()
    applicant.get_by_text("Tahap permohonan telah diperbarui").wait_for()

    head.goto(f"{base}/staf/permohonan/{app_id}")
    signed = head.locator("#perjanjian")
    expect(signed).to_contain_text("ditandatangani.pdf")
    expect(signed.get_by_role("link", name=re.compile("Unduh PDF"))).to_have_count(3)
    look(head, "sanitren-countersign")
    head.locator("#aksi-countersign summary").click()
    head.locator("#aksi-countersign").get_by_role("button", name="Sahkan NPHD").click()
    head.get_by_text("tersimpan").first.wait_for()

    finance = sign_in(browser, live_app, team["finance"])
    finance.goto(f"{base}/staf/permohonan/{app_id}")
    finance.locator("#aksi-pay summary").click()
    form = finance.locator("#aksi-pay")
    form.get_by_label("Tanggal transfer").fill(jakarta_today().isoformat())
    form.get_by_label("Nomor SP2D / referensi transfer").fill(SP2D)
    form.get_by_role("button", name="Catat transfer tahap I").click()
    finance.get_by_text("tersimpan").first.wait_for()

    owner = "pengasuh@alhikmah.contoh.id"
    fire(
        live_app,
        app_id,
        [
            (owner, "attach", {"stage": "progress_report"}),
            (owner, "submit_report", {}),
            (team["bappeda"], "accept", {"progress_percent": 70}),
            (team["finance"], "pay", {"transfer_reference": "SP2D-0533/BPKAD/2026"}),
            (owner, "attach", {"stage": "lpj"}),
            (owner, "submit_lpj", {}),
            (team["bappeda"], "accept", {}),
        ],
    )
    applicant.goto(f"{base}/portal/permohonan/{app_id}")
    expect(applicant.locator(".timeline")).to_contain_text(SP2D)
    expect(applicant.locator(".timeline")).to_contain_text("70%")
    look(applicant, "sanitren-completed")

    auditor = sign_in(browser, live_app, team["auditor"])
    auditor.goto(f"{base}/audit/permohonan/{app_id}")
    expect(auditor.locator("#keputusan")).to_contain_text(FINDINGS)
    look(auditor, "sanitren-audit-trail")
    decision_file = download(auditor, "Unduh berkas keputusan (PDF)")
    text = pdf_text(decision_file)
    for expected in (FINDINGS, SP2D, "Catatan temuan", "Geotag: -6.1783, 106.4965", "survei.jpg"):
        assert expected in text, expected
    assert pdf_images(decision_file) >= 1
    for page in (applicant, head, finance, auditor):
        page.context.close()


def test_kembangku_from_registration_to_completion(live_app, browser, tmp_path):
    live_app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    base = live_app.config["LIVE_URL"]
    team = in_app(
        live_app,
        lambda: (
            open_program("kembangku"),
            staff_team(
                {
                    "reviewer": ("reviewer", "DISKOPUM"),
                    "head": ("approver", "DISKOPUM"),
                    "finance": ("finance", "BPKAD"),
                }
            ),
        )[1],
    )
    owner = "ketua@kopmaju.contoh.id"
    applicant = register(browser, live_app, owner, "Ketua Koperasi")

    def draft():
        user = user_by_email(owner)
        application = applications.create_draft(
            "kembangku", owner=user, organization=make_koperasi(user)
        )
        applications.update_answers(
            application, user,
            {"requested_amount": 66_000_000, "use_of_funds": "Modal simpan pinjam anggota"},
            amount_requested=66_000_000,
        )
        db.session.commit()
        attach_for_stage(application, user)
        return application.id

    app_id = in_app(live_app, draft)
    double_submit(applicant, base, app_id, "Ajukan proposal")
    fire(
        live_app,
        app_id,
        [
            (team["reviewer"], "verify", {}),
            (team["reviewer"], "score", {"recommended_amount": 66_000_000}),
        ],
    )

    head = sign_in(browser, live_app, team["head"])
    head.goto(f"{base}/staf/permohonan/{app_id}")
    grounds = head.locator("#dasar")
    for text in (
        "Kelayakan usaha",
        "5 / 5",
        "Dinilai dari dokumen",
        "Rp66.000.000",
        "RAT/rapat anggota terlaksana",
    ):
        expect(grounds).to_contain_text(text)
    look(head, "kembangku-approver")
    head.locator("#aksi-approve summary").click()
    form = head.locator("#aksi-approve")
    form.get_by_label("Nilai pinjaman disetujui (Rp)").fill("66000000")
    form.get_by_role("button", name="Setujui pinjaman").click()
    head.get_by_text("tersimpan").first.wait_for()

    applicant.goto(f"{base}/portal/permohonan/{app_id}")
    expect(applicant.locator(".timeline")).not_to_contain_text("Kelayakan usaha")  # internal
    agreement = download(applicant, "Perjanjian Pinjaman Dana Bergulir (PDF)")
    text = pdf_text(agreement)
    for expected in ("Rp66.000.000", "5% per tahun", "Jadwal angsuran", "Rp2.275.000"):
        assert expected in text, expected
    verify_qr(applicant, base, text)
    applicant.goto(f"{base}/portal/permohonan/{app_id}")
    pdf = tmp_path / "perjanjian-ttd.pdf"
    pdf.write_bytes(agreement)
    applicant.set_input_files("#doc-loan_agreement", str(pdf))
    applicant.get_by_role("button", name="Unggah berkas terpilih").click()
    applicant.get_by_text("1 berkas tersimpan").wait_for()
    applicant.get_by_role("button", name="Kirim perjanjian bertanda tangan").click()
    applicant.get_by_text("Tahap permohonan telah diperbarui").wait_for()

    fire(
        live_app,
        app_id,
        [
            (team["finance"], "pay", {"transfer_reference": "SP2D-KOP-0099"}),
            (owner, "attach", {"stage": "monitoring"}),
            (owner, "submit_report", {}),
            (team["reviewer"], "accept_report", {"outstanding_principal": 0}),
            (owner, "attach", {"stage": "monitoring"}),
            (owner, "submit_report", {}),
            (team["reviewer"], "close", {}),
        ],
    )
    applicant.goto(f"{base}/portal/permohonan/{app_id}")
    expect(applicant.locator(".timeline")).to_contain_text("SP2D-KOP-0099")
    look(applicant, "kembangku-completed")
    assert in_app(live_app, lambda: db.session.get(Application, app_id).outcome) == "completed"
    for page in (applicant, head):
        page.context.close()
