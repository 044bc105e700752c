"""The staff workspace in a real browser (Playwright + Debian Chromium, PostgreSQL live app).

SANITREN from Kemenag verification to the first tranche, wrong agencies kept out, the auditor's
trail and PDF, and a bulk verification of 50 guru ngaji nominations with per-item results.
Screenshots at 375 and 1280 px; axe-core finds no serious or critical violation.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.applications.models import Application, Disbursement
from app.common.i18n import jakarta_today
from app.extensions import db
from tests.staff.conftest import DESA, nominate_guru, submitted_sanitren
from tests.support.browser import (
    DESKTOP,
    PHONE,
    no_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
)
from tests.support.factories import PASSWORD, create_staff
from tests.support.programs import JPG, act, attach_for_stage, open_program

pytestmark = pytest.mark.browser
SITE = {"latitude": -6.1783, "longitude": 106.4965}


def people(names):
    return {
        name: create_staff(role, agency, region_code=region).email
        for name, (role, agency, region) in names.items()
    }


@pytest.fixture
def world(live_app):
    from app.extensions import limiter

    with live_app.app_context():
        limiter.reset()  # earlier tests in the run logged in from the same address
        open_program("sanitren")
        open_program("guru_ngaji")
        emails = people(
            {
                "kemenag": ("reviewer", "KEMENAG", None),
                "bappeda": ("reviewer", "BAPPEDA", None),
                "head": ("approver", "BAPPEDA", None),
                "finance": ("finance", "BPKAD", None),
                "disdik": ("reviewer", "DISDIK", None),
                "auditor": ("auditor", "INSPEKTORAT", None),
                "kesra": ("reviewer", "KESRA", None),
                "operator": ("village_operator", None, DESA),
            }
        )
        owner, application = submitted_sanitren()
        data = {
            "emails": emails,
            "id": application.id,
            "number": application.number,
            "name": application.applicant_name,
            "owner_id": owner.id,
        }
        db.session.remove()
    return data


def sign_in(browser, live_app, email, **context):
    """Log in through the login form; the per-address login limit is reset first (one test
    logs in as seven people from 127.0.0.1 within a minute)."""
    from app.extensions import limiter

    with live_app.app_context():
        limiter.reset()
    ctx = browser.new_context(viewport=DESKTOP, accept_downloads=True, **context)
    page = ctx.new_page()
    page.goto(live_app.config["LIVE_URL"] + "/masuk")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_text("Masuk sebagai").wait_for()
    return page


def check_layout(page, name):
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        assert no_horizontal_scroll(page), f"{name} scrolls sideways at {viewport['width']} px"
        screenshot(page, f"staff-{name}-{viewport['width']}")
    assert serious_accessibility_violations(page) == []


def open_action(page, action):
    section = page.locator(f"#aksi-{action}")
    section.locator("summary").click()
    return section


def test_sanitren_through_the_staff_workspace(live_app, browser, world):
    url, app_url = live_app.config["LIVE_URL"], f"/staf/permohonan/{world['id']}"

    page = sign_in(browser, live_app, world["emails"]["kemenag"])
    page.goto(url + "/staf/antrean")
    assert page.get_by_role("link", name=world["name"]).is_visible()
    check_layout(page, "queue")
    page.get_by_role("link", name=world["name"]).click()
    check_layout(page, "application")
    form = open_action(page, "verify")
    for item in (
        "NSPP sesuai data Kemenag",
        "Tipe salafi terkonfirmasi",
        "Akta dan izin operasional sah",
        "Status tanah jelas",
        "Nama rekening sesuai lembaga",
    ):
        form.get_by_label(item).check()
    form.get_by_role("button", name="Dokumen lengkap dan sah").click()
    assert page.get_by_text("tersimpan").first.is_visible()
    page.context.close()

    page = sign_in(
        browser, live_app, world["emails"]["bappeda"], geolocation=SITE, permissions=["geolocation"]
    )
    page.goto(url + app_url)
    form = open_action(page, "complete_survey")
    form.get_by_label("Tanggal survei").fill(jakarta_today().isoformat())
    form.get_by_role("button", name="Gunakan lokasi perangkat ini").click()
    expect(form.get_by_label("Lintang (latitude)")).to_have_value(re.compile(r"^-6\.178"))
    expect(form.get_by_label("Bujur (longitude)")).to_have_value(re.compile(r"^106\.496"))
    for item in (
        "Sanitasi eksisting tidak layak",
        "Lahan 5x9 m tersedia",
        "Sumber air tersedia",
        "Santri mukim ada",
    ):
        form.get_by_label(item).check()
    form.get_by_label("Catatan temuan").fill("Lahan wakaf tersedia di belakang asrama.")
    form.get_by_label("Foto survei lapangan bergeotag").set_input_files(
        {"name": "survei.jpg", "mimeType": "image/jpeg", "buffer": JPG}
    )
    form.get_by_role("button", name="Simpan hasil survei").click()
    page.get_by_text("tersimpan").first.wait_for()  # sent with upload progress (XHR), no reload
    page.goto(url + app_url)
    assert page.get_by_text("Geotag: -6.1783").first.is_visible()  # document list and grounds
    form = open_action(page, "recommend")
    form.get_by_label("Pertimbangan rekomendasi").fill("Memenuhi syarat, sanitasi tidak layak.")
    form.get_by_role("button", name="Rekomendasikan").click()
    assert page.get_by_text("tersimpan").first.is_visible()
    page.context.close()

    page = sign_in(browser, live_app, world["emails"]["head"])
    page.goto(url + app_url)
    open_action(page, "approve").get_by_role("button", name="Tetapkan sebagai penerima").click()
    assert page.get_by_text("tersimpan").first.is_visible()
    page.context.close()

    with live_app.app_context():  # the applicant signs, the head countersigns (operations)
        from app.accounts.models import User

        application, owner = db.session.get(Application, world["id"]), None
        owner = db.session.get(User, world["owner_id"])
        attach_for_stage(application, owner, stage="agreement")
        act(application, "sign", owner)
        head = db.session.scalar(sa.select(User).where(User.email == world["emails"]["head"]))
        act(application, "countersign", head)
        db.session.remove()

    page = sign_in(browser, live_app, world["emails"]["finance"])
    page.goto(url + "/staf/keuangan")
    page.get_by_role("link", name=world["name"]).click()
    form = open_action(page, "pay")
    form.get_by_label("Tanggal transfer").fill(jakarta_today().isoformat())
    form.get_by_label("Nomor SP2D / referensi transfer").fill("SP2D-2026-0001")
    form.get_by_role("button", name="Catat transfer tahap I").click()
    assert page.get_by_text("tersimpan").first.is_visible()
    page.context.close()
    with live_app.app_context():
        paid = db.session.scalar(
            sa.select(Disbursement).where(
                Disbursement.application_id == world["id"], Disbursement.tranche_no == 1
            )
        )
        assert (paid.status, paid.reference, paid.amount) == ("sent", "SP2D-2026-0001", 91_000_000)
        db.session.remove()

    page = sign_in(browser, live_app, world["emails"]["disdik"])
    page.goto(url + "/staf/antrean")
    assert world["number"] not in page.content()
    assert page.goto(url + app_url).status == 404
    page.context.close()

    page = sign_in(browser, live_app, world["emails"]["auditor"])
    page.goto(url + f"/audit/permohonan/{world['id']}")
    assert page.get_by_text("Jejak utuh").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh berkas keputusan (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.goto(url + "/staf/dasbor?program=sanitren")
    assert page.locator("svg.chart").first.is_visible()
    check_layout(page, "dashboard")
    page.context.close()


def test_bulk_verification_of_fifty_guru_ngaji_nominations(live_app, browser, world):
    with live_app.app_context():
        from app.accounts.models import User

        operator = db.session.scalar(
            sa.select(User).where(User.email == world["emails"]["operator"])
        )
        for i in range(50):
            nominate_guru(operator, name=f"Guru Ngaji {i:02d}", pupils=3 if i in (7, 31) else 20)
        db.session.remove()
    page = sign_in(browser, live_app, world["emails"]["kesra"])
    page.goto(
        live_app.config["LIVE_URL"]
        + "/staf/antrean?program=guru_ngaji&tahap=verification&jumlah=50"
    )
    assert page.locator("input[name=tugas]").count() == 50
    page.get_by_role("button", name="Pilih semua di halaman ini").click()
    bulk = page.locator("#bulk-form")
    for item in (
        "Alamat KTP di Kabupaten Tangerang",
        "Kegiatan mengajar terkonfirmasi",
        "Bukan ASN/TNI/Polri",
        "Rekening aktif",
    ):
        bulk.get_by_label(item).check()
    bulk.get_by_role("button", name="Putuskan berkas terpilih").click()
    results = page.locator("#hasil-massal tbody tr")
    assert results.count() == 50
    assert page.locator("#hasil-massal tr[data-status=ok]").count() == 48
    refused = page.locator("#hasil-massal tr[data-status=refused]")
    assert refused.count() == 2 and "santri" in refused.first.inner_text().lower()
    assert page.get_by_text("48 dari 50 berkas tersimpan.").is_visible()
    page.context.close()
