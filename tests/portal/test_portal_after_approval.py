"""After approval: signing with documents, disbursement status, bank correction; other forms."""

import io

import pytest
import sqlalchemy as sa

from app.applications import operations as applications
from app.extensions import db
from app.organizations.models import BankAccount
from tests.conftest import csrf_from, post_form
from tests.portal.conftest import fresh, login
from tests.support.factories import create_applicant, create_staff
from tests.support.programs import (
    PDF,
    act,
    attach_for_stage,
    make_koperasi,
    make_person,
    make_pesantren,
    open_program,
    sanitren_draft,
)


@pytest.fixture
def approved(applicant, kemenag):
    org = make_pesantren(applicant)
    application = sanitren_draft(applicant, org)
    bappeda, head = create_staff("reviewer", "BAPPEDA"), create_staff("approver", "BAPPEDA")
    act(application, "submit", applicant)
    act(application, "verify", kemenag)
    attach_for_stage(application, bappeda, types=("survey_photo",))
    act(application, "complete_survey", bappeda)
    act(application, "recommend", bappeda)
    act(application, "approve", head)
    return application, org, head


def test_sign_agreement_then_follow_tranches_and_correct_the_account(client, applicant, approved):
    application, org, head = approved
    login(client, applicant)
    url = f"/portal/permohonan/{application.id}"
    page = client.get(url).get_data(as_text=True)
    assert "NPHD yang telah ditandatangani" in page and "Kirim NPHD bertanda tangan" in page

    early = post_form(client, f"{url}/aksi", {"action": "sign", "version": application.version},
                      form_url=url)
    assert early.status_code == 302
    assert "Dokumen wajib belum dilampirkan" in client.get(url).get_data(as_text=True)

    upload_url = f"{url}/dokumen?kembali=status"
    data = {"csrf_token": csrf_from(client, url)}
    for doc_type in ("signed_nphd", "sptjm", "integrity_pact"):
        data[f"doc-{doc_type}"] = (io.BytesIO(PDF), f"{doc_type}.pdf")
    assert client.post(upload_url, data=data, content_type="multipart/form-data").status_code == 302
    application = fresh(application)
    signed = post_form(client, f"{url}/aksi", {"action": "sign", "version": application.version},
                       form_url=url)
    assert signed.status_code == 302
    assert fresh(application).stage == "agreement_countersign"

    finance = create_staff("finance", "BPKAD")
    application = fresh(application)
    act(application, "countersign", head)
    act(application, "transfer_failed", finance, reason="Rekening tidak aktif")
    page = client.get(url).get_data(as_text=True)
    assert "Transfer gagal" in page and "Rekening tidak aktif" in page and "Rp91.000.000" in page

    # a holder name that differs is kept and flagged for the reviewer; a bad number is refused
    refused = post_form(client, f"{url}/rekening", {"bank_name": "BRI", "number": "12",
                                                    "holder_name": org.name}, form_url=url)
    assert refused.status_code == 422 and 'value="12"' in refused.get_data(as_text=True)
    ok = post_form(client, f"{url}/rekening", {"bank_name": "BRI", "number": "1234567890",
                                               "holder_name": org.name}, form_url=url)
    assert ok.status_code == 302
    accounts = db.session.scalars(sa.select(BankAccount).where(
        BankAccount.organization_id == org.id).order_by(BankAccount.id)).all()
    assert [a.is_current for a in accounts] == [False, True]
    application = fresh(application)
    post_form(client, f"{url}/aksi", {"action": "resubmit", "version": application.version},
              form_url=url)
    assert fresh(application).stage == "tranche_1"


@pytest.mark.parametrize(("key", "answers", "amount"), [
    ("kembangku", {"requested_amount": "50000000", "use_of_funds": "Modal simpan pinjam",
                   "members_count": "120"}, 50_000_000),
    ("guru_ngaji", {"pupil_count": "25", "teaching_place": "TPQ Al-Ikhlas"}, None),
    ("beasiswa_mbr", {"student_name": "Siti", "nisn": "0012345678", "school_npsn": "20601234",
                      "school_name": "SDN Balaraja 1", "school_level": "SD",
                      "school_desa_code": "36.03.01.2003", "class_rank": "3",
                      "report_average": "88.5", "has_sktm": "ya"}, None),
])
def test_each_program_form_saves_its_answers(client, db_session, programs, uploads, key, answers,
                                             amount):
    open_program(key)
    user = create_applicant()
    if key == "kembangku":
        draft = applications.create_draft(key, owner=user, organization=make_koperasi(user))
    else:
        person = make_person(name="Ustadz Hasan", teacher=True)
        user.person_id = person.id
        draft = applications.create_draft(key, owner=user, person=person)
    db.session.commit()
    login(client, user)
    url = f"/portal/permohonan/{draft.id}/isian"
    assert client.get(url).status_code == 200
    response = post_form(client, url, answers)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    draft = fresh(draft)
    expected = {"kembangku": ("requested_amount", 50_000_000), "guru_ngaji": ("pupil_count", 25),
                "beasiswa_mbr": ("report_average", 88.5)}[key]
    assert draft.answers[expected[0]] == expected[1]
    assert draft.amount_requested == amount
    assert client.get(f"/portal/permohonan/{draft.id}/kirim").status_code == 200
