"""The decision letter is issued from the audited approval, to those who may see the file."""

import pytest

from app.applications import letters
from app.extensions import db
from tests.conftest import post_form
from tests.support.factories import PASSWORD, create_applicant, create_staff
from tests.support.programs import (
    act,
    attach_for_stage,
    new_applicant_with_pesantren,
    open_program,
    sanitren_draft,
)


@pytest.fixture
def approved(db_session, programs):
    open_program("sanitren")
    kemenag, bappeda = create_staff("reviewer", "KEMENAG"), create_staff("reviewer", "BAPPEDA")
    head = create_staff("approver", "BAPPEDA")
    user, org = new_applicant_with_pesantren()
    application = sanitren_draft(user, org)
    act(application, "submit", user)
    act(application, "verify", kemenag)
    attach_for_stage(application, bappeda, types=("survey_photo",))
    act(application, "complete_survey", bappeda)
    act(application, "recommend", bappeda)
    assert letters.approval_decision(application) is None
    act(application, "approve", head)
    return user, application, head


def login(client, email):
    return post_form(client, "/masuk", {"email": email, "password": PASSWORD})


def test_letter_names_recipient_amount_agency_and_the_audit_event(approved):
    _, application, head = approved
    decision = letters.approval_decision(application)
    html = letters.decision_letter_html(application, decision)
    assert application.number in html and application.applicant_name in html
    assert "Rp130.000.000" in html and head.full_name in html
    assert "Badan Perencanaan Pembangunan Daerah" in html
    assert f"nomor urut {decision.audit_seq}" in html


def test_applicant_downloads_the_pdf_others_get_404(app, client, approved):
    user, application, _ = approved
    url = f"/permohonan/{application.id}/surat-keputusan.pdf"
    login(client, user.email)
    assert "Surat keputusan penetapan penerima" in client.get(
        f"/portal/permohonan/{application.id}").get_data(as_text=True)
    response = client.get(url)
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")
    stranger = app.test_client()
    login(stranger, create_applicant().email)
    assert stranger.get(url).status_code == 404


def test_no_letter_once_the_award_is_withdrawn(approved):
    user, application, _ = approved
    act(application, "withdraw", user, reason="Dibiayai donatur")
    db.session.refresh(application)
    assert letters.approval_decision(application) is None
