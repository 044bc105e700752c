"""Agreements declared in the definition, rendered per program as PDF at the stage where they are
issued: identity, amount, tranches or repayment schedule, obligations and report deadlines
(issue 16, part C)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from app.applications import agreements, operations
from app.applications.workflow import definition_of
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
from workflows import load_definitions
from workflows.errors import DefinitionError
from workflows.loading import load_yaml
from workflows.parsing import parse_definition

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "agreements"


def login(client, email):
    assert post_form(client, "/masuk", {"email": email, "password": PASSWORD}).status_code == 302


def pdf_text(data: bytes) -> str:
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_every_declared_agreement_has_its_template():
    definitions = load_definitions()
    declared = [a for d in definitions.values() for a in d.agreements]
    assert {a.key for a in declared} >= {"nphd", "sptjm", "integrity_pact", "loan_agreement"}
    for agreement in declared:
        assert (TEMPLATES / agreement.template).is_file(), agreement.template


def test_an_agreement_must_name_a_known_stage_and_document():
    from workflows.loading import DEFINITIONS_DIR

    data, _ = load_yaml((DEFINITIONS_DIR / "sanitren.yaml").read_text())
    data["agreements"][0]["issued_at"] = "nowhere"
    data["agreements"][1]["signed_copy"] = "nothing"
    with pytest.raises(DefinitionError) as refused:
        parse_definition(data)
    text = str(refused.value)
    assert "nowhere" in text and "nothing" in text


@pytest.fixture
def sanitren_award(db_session, programs):
    open_program("sanitren")
    head = create_staff("approver", "BAPPEDA")
    user, org = new_applicant_with_pesantren()
    application = sanitren_draft(user, org)
    act(application, "submit", user)
    assert agreements.issued(application) == []
    act(application, "verify", create_staff("reviewer", "KEMENAG"))
    bappeda = create_staff("reviewer", "BAPPEDA")
    attach_for_stage(application, bappeda, types=("survey_photo",))
    act(application, "complete_survey", bappeda)
    act(application, "recommend", bappeda)
    act(application, "approve", head)
    return user, application, head


def test_nphd_has_identity_amount_tranches_obligations(client, sanitren_award):
    user, application, _ = sanitren_award
    login(client, user.email)
    page = client.get(f"/portal/permohonan/{application.id}").get_data(as_text=True)
    assert "Naskah Perjanjian Hibah Daerah (NPHD) (PDF)" in page
    assert "unggah kembali sebagai" in page
    response = client.get(f"/permohonan/{application.id}/perjanjian/nphd.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    for expected in (
        application.applicant_name,
        application.number,
        "Rp130.000.000",
        "Tahap I (70%)",
        "Rp91.000.000",
        "Tahap II (30%)",
        "Rp39.000.000",
        "laporan kemajuan",
        "10 Januari",
    ):
        assert expected in text, expected
    for key in ("sptjm", "integrity_pact"):
        assert client.get(f"/permohonan/{application.id}/perjanjian/{key}.pdf").status_code == 200
    assert (
        client.get(f"/permohonan/{application.id}/perjanjian/loan_agreement.pdf").status_code == 404
    )


def test_others_cannot_download_and_countersigner_sees_both(app, client, sanitren_award):
    user, application, head = sanitren_award
    attach_for_stage(application, user, stage="agreement")
    act(application, "sign", user)
    stranger = app.test_client()
    login(stranger, create_applicant().email)
    assert stranger.get(f"/permohonan/{application.id}/perjanjian/nphd.pdf").status_code == 404
    login(client, head.email)
    html = client.get(f"/staf/permohonan/{application.id}").get_data(as_text=True)
    assert f"/permohonan/{application.id}/perjanjian/nphd.pdf" in html
    assert "Salinan bertanda tangan" in html and "Belum diunggah" not in html


def test_loan_agreement_has_the_repayment_schedule(client, db_session, programs):
    open_program("kembangku")
    reviewer, head = create_staff("reviewer", "DISKOPUM"), create_staff("approver", "DISKOPUM")
    user = create_applicant(name="Ketua Koperasi")
    application = operations.create_draft("kembangku", owner=user, organization=make_koperasi(user))
    operations.update_answers(
        application, user, {"requested_amount": 60_000_000}, amount_requested=60_000_000
    )
    db.session.commit()
    attach_for_stage(application, user)
    act(application, "submit", user)
    act(application, "verify", reviewer)
    act(application, "score", reviewer, recommended_amount=66_000_000)
    act(application, "approve", head, approved_amount=66_000_000)
    schedule = agreements.repayment_schedule(definition_of(application), 66_000_000)
    assert len(schedule) == 36 and schedule[2].principal == 0 and schedule[3].principal == 2_000_000
    assert sum(r.principal for r in schedule) == 66_000_000 and schedule[-1].outstanding == 0
    assert schedule[0].interest == 275_000  # 5% a year of Rp66 million, one month
    login(client, user.email)
    response = client.get(f"/permohonan/{application.id}/perjanjian/loan_agreement.pdf")
    text = pdf_text(response.data)
    for expected in (
        "Rp66.000.000",
        "5% per tahun",
        "masa tenggang 3",
        "Rp2.275.000",
        "Jadwal angsuran",
        application.applicant_name,
    ):
        assert expected in text, expected
