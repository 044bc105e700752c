"""Every decision's recorded fields, labelled from the definition, on the staff page, the
applicant's timeline, the audit trail and the decision-file PDF (issue 16, part A)."""

from __future__ import annotations

import io

import pypdf
import pytest
from PIL import Image

from app.applications import documents, operations
from app.extensions import db
from tests.conftest import post_form
from tests.support.factories import PASSWORD, create_applicant, create_staff
from tests.support.programs import (
    act,
    attach_for_stage,
    make_koperasi,
    new_applicant_with_pesantren,
    open_program,
    sanitren_draft,
)

FINDINGS = "Lahan wakaf tersedia di belakang asrama putra."


def login(client, email):
    assert post_form(client, "/masuk", {"email": email, "password": PASSWORD}).status_code == 302


def real_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def paid(db_session, programs):
    open_program("sanitren")
    staff = {
        "kemenag": create_staff("reviewer", "KEMENAG"),
        "bappeda": create_staff("reviewer", "BAPPEDA"),
        "head": create_staff("approver", "BAPPEDA"),
        "finance": create_staff("finance", "BPKAD"),
        "auditor": create_staff("auditor", "INSPEKTORAT"),
    }
    user, org = new_applicant_with_pesantren()
    application = sanitren_draft(user, org)
    act(application, "submit", user)
    act(application, "verify", staff["kemenag"])
    documents.attach(
        application,
        "survey_photo",
        "survei.jpg",
        real_jpeg(),
        staff["bappeda"],
        meta={"geo": {"lat": -6.1783, "lon": 106.4965}},
    )
    act(
        application,
        "complete_survey",
        staff["bappeda"],
        findings=FINDINGS,
        site_location={"lat": -6.1783, "lon": 106.4965},
    )
    act(application, "recommend", staff["bappeda"], recommendation_note="Layak dibantu.")
    act(application, "approve", staff["head"])
    attach_for_stage(application, user, stage="agreement")
    act(application, "sign", user)
    act(application, "countersign", staff["head"])
    act(application, "pay", staff["finance"], transfer_reference="SP2D-2026-0042")
    return user, application, staff


def test_staff_page_shows_grounds_of_earlier_stages_with_photo(client, paid):
    _, application, staff = paid
    login(client, staff["head"].email)
    html = client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    for text in (
        FINDINGS,
        "Catatan temuan",
        "Daftar periksa lapangan",
        "Lahan 5x9 m tersedia",
        "Pertimbangan rekomendasi",
        "Layak dibantu.",
        "-6.1783, 106.4965",
        "Nomor SP2D / referensi transfer",
        "SP2D-2026-0042",
        "NSPP sesuai data Kemenag",
    ):
        assert text in html, text
    assert 'class="photo-grid__image"' in html


def test_english_reader_gets_english_labels(client, paid):
    _, application, staff = paid
    login(client, staff["head"].email)
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    assert "Field checklist" in html and "Grounds for recommendation" in html


def test_applicant_timeline_shows_notes_not_photos(client, paid):
    user, application, _ = paid
    login(client, user.email)
    html = client.get(f"/portal/permohonan/{application.id}").get_data(as_text=True)
    assert FINDINGS in html and "Layak dibantu." in html and "SP2D-2026-0042" in html
    assert 'class="photo-grid__image"' not in html


def test_audit_trail_and_decision_file_pdf_show_the_grounds(client, paid):
    _, application, staff = paid
    login(client, staff["auditor"].email)
    html = client.get(f"/audit/permohonan/{application.id}").get_data(as_text=True)
    assert FINDINGS in html and "SP2D-2026-0042" in html
    pdf = client.get(f"/audit/permohonan/{application.id}/berkas-keputusan.pdf").data
    text = pdf_text(pdf)
    for expected in ("Catatan temuan", "SP2D-2026-0042", "Layak dibantu.",
                     "Geotag: -6.1783, 106.4965"):
        assert expected in text, expected
    assert "asrama" in text
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert sum(len(page.images) for page in reader.pages) >= 1  # the survey photo


def test_applicant_does_not_see_internal_scores(client, db_session, programs):
    open_program("kembangku")
    reviewer = create_staff("reviewer", "DISKOPUM")
    user = create_applicant(name="Ketua Koperasi")
    application = operations.create_draft("kembangku", owner=user, organization=make_koperasi(user))
    operations.update_answers(
        application, user, {"requested_amount": 50_000_000}, amount_requested=50_000_000
    )
    db.session.commit()
    attach_for_stage(application, user)
    act(application, "submit", user)
    act(application, "verify", reviewer)
    act(application, "score", reviewer, recommended_amount=40_000_000)
    login(client, user.email)
    html = client.get(f"/portal/permohonan/{application.id}").get_data(as_text=True)
    assert "Kelayakan usaha" not in html and "Dinilai dari dokumen" not in html
    assert "Rp40.000.000" in html  # the recommended amount is not a score
    staff_client = client.application.test_client()
    login(staff_client, reviewer.email)
    html = staff_client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    assert "Kelayakan usaha" in html and "5 / 5" in html and "Dinilai dari dokumen" in html
