"""Letters people can check: signer's name, title and NIP, a QR code and a short link to a public
verification page that states the decision without personal data (issue 16, part B)."""

from __future__ import annotations

import re

import pytest

from app.applications import letters
from app.extensions import db
from app.verification import codes
from tests.conftest import post_form
from tests.support.factories import PASSWORD, create_staff
from tests.support.programs import (
    act,
    attach_for_stage,
    new_applicant_with_pesantren,
    open_program,
    sanitren_draft,
)

NIP = "197001012000031001"


@pytest.fixture
def approved(db_session, programs):
    open_program("sanitren")
    kemenag, bappeda = create_staff("reviewer", "KEMENAG"), create_staff("reviewer", "BAPPEDA")
    head = create_staff("approver", "BAPPEDA")
    head.job_title, head.nip = "Kepala Bappeda Kabupaten Tangerang", NIP
    db.session.commit()
    user, org = new_applicant_with_pesantren()
    application = sanitren_draft(user, org)
    act(application, "submit", user)
    act(application, "verify", kemenag)
    attach_for_stage(application, bappeda, types=("survey_photo",))
    act(application, "complete_survey", bappeda)
    act(application, "recommend", bappeda)
    act(application, "approve", head)
    return user, application, head


def test_letter_has_signer_title_nip_qr_and_link_not_the_developer_command(approved):
    _, application, head = approved
    decision = letters.approval_decision(application)
    html = letters.decision_letter_html(application, decision)
    assert head.full_name in html and "Kepala Bappeda Kabupaten Tangerang" in html
    assert f"NIP {NIP}" in html
    assert codes.url_of(decision) in html and "data:image/svg+xml" in html
    assert "flask audit verify" not in html


def test_verification_page_states_the_decision_without_personal_data(client, approved):
    user, application, _ = approved
    decision = letters.approval_decision(application)
    path = codes.url_of(decision).split("localhost", 1)[1]
    number, name = letters.letter_number(application, decision), application.applicant_name
    html = client.get(path).get_data(as_text=True)
    assert "Dokumen asli" in html
    for shown in (number, application.number, "Rp130.000.000", "Tetapkan sebagai penerima"):
        assert shown in html, shown
    assert name not in html and "KH. Pengasuh" not in html


@pytest.mark.parametrize("bad", ["1-aaaaaaaaaaaa", "abc", "999999-x", "-", "1-" + "a" * 100])
def test_forged_or_malformed_codes_are_404(client, approved, bad):
    assert client.get(f"/verifikasi/{bad}").status_code == 404


def test_withdrawn_award_is_reported_as_no_longer_valid(client, approved):
    user, application, _ = approved
    decision = letters.approval_decision(application)
    path = "/verifikasi/" + codes.code_of(decision)
    act(application, "withdraw", user, reason="Dibiayai donatur")
    html = client.get(path).get_data(as_text=True)
    assert "Penetapan tidak berlaku lagi" in html and "Dokumen asli" not in html


def test_admin_records_title_and_nip_and_refuses_a_bad_nip(client, db_session):
    admin = create_staff("admin")
    assert (
        post_form(client, "/masuk", {"email": admin.email, "password": PASSWORD}).status_code == 302
    )
    form = {
        "full_name": "Dr. Siti Aminah",
        "email": "siti@bappeda.contoh.id",
        "password": "Tigaraksa-Bappeda-77",
        "role": "approver",
        "agency": "BAPPEDA",
        "job_title": "Kepala Bappeda",
        "nip": "19700101 200003 1 001",
    }
    bad = post_form(client, "/admin/pengguna", dict(form, nip="12345"))
    assert bad.status_code == 422 and "NIP harus 18 digit angka." in bad.get_data(as_text=True)
    good = post_form(client, "/admin/pengguna", form)
    body = good.get_data(as_text=True)
    assert good.status_code == 302, body[
        body.find("field__error") - 300 : body.find("field__error") + 400
    ]
    from app.accounts.models import User

    user = db.session.scalar(db.select(User).where(User.email == "siti@bappeda.contoh.id"))
    assert (user.job_title, user.nip) == ("Kepala Bappeda", NIP)
    assert re.fullmatch(r"\d{18}", user.nip)
