"""Village operators nominate guru ngaji; personal profiles keep the NIK encrypted."""

import io

import pytest
import sqlalchemy as sa

from app.applications.models import Application
from app.extensions import db
from app.organizations.models import Person
from tests.conftest import choose_language, csrf_from, post_form
from tests.portal.conftest import fresh, login
from tests.support.factories import create_applicant, create_staff
from tests.support.programs import attach_for_stage, open_program

DESA = "36.03.01.2003"
HEADER = ("nama,nik,kode_desa,alamat,mengajar_sejak,jumlah_santri,asn,penghasilan_tetap,bank,"
          "no_rekening\n")
FAUZI = f"Ahmad Fauzi,3603011201850001,{DESA},Kp,2015-07-01,25,tidak,tidak,BJB,0012345678\n"


@pytest.fixture
def operator(db_session, programs, uploads):
    open_program("guru_ngaji")
    return create_staff("village_operator", region_code=DESA)


def upload(client, content: str, name="usulan.csv"):
    url = "/portal/operator/unggah"
    return client.post(url, data={"csrf_token": csrf_from(client, "/portal/operator"),
                                  "file": (io.BytesIO(content.encode()), name)},
                       content_type="multipart/form-data")


def test_file_rows_are_accepted_or_refused_with_reasons(client, operator):
    login(client, operator)
    rows = (HEADER
            + FAUZI
            + f"Siti Aminah,3603015208900002,{DESA},Kp. Cangkudu,2018-01-10,12,tidak,tidak,,\n"
            + f"Salah NIK,36030112,{DESA},Kp. Cangkudu,2015-07-01,20,tidak,tidak,,\n"
            + "Warga Lain,3603011201850003,36.03.18.2001,Cikupa,2015-07-01,20,tidak,tidak,,\n"
            + f"Ahmad Ganda,3603011201850001,{DESA},Kp. Cangkudu,2015-07-01,20,tidak,tidak,,\n"
            + f"Tanpa Santri,3603011201850004,{DESA},Kp. Cangkudu,2015-07-01,,tidak,tidak,,\n")
    response = upload(client, rows)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 baris diterima, 4 baris ditolak." in text
    assert "NIK harus 16 digit" in text
    assert "Bukan warga desa Anda" in text
    assert "NIK ganda" in text
    # the column is the declared form field's (labelled as the form labels it)
    assert "Kolom wajib kosong: Jumlah santri yang diajar." in text
    nominated = db.session.scalars(sa.select(Application).where(
        Application.nominated_by_user_id == operator.id)).all()
    assert sorted(a.applicant_name for a in nominated) == ["Ahmad Fauzi", "Siti Aminah"]
    assert all(a.stage == "nomination" and a.answers["pupil_count"] for a in nominated)
    person = db.session.get(Person, nominated[0].person_id)
    assert person.nik_encrypted and person.reveal_nik() in ("3603011201850001", "3603015208900002")
    assert "3603••••••••0001" in client.get("/portal/operator").get_data(as_text=True)

    again = upload(client, HEADER + f"Ahmad Fauzi,3603011201850001,{DESA},Kp,2015-07-01,25,,,,\n")
    assert "NIK ganda: sudah diusulkan tahun anggaran" in again.get_data(as_text=True)


def test_bad_file_is_refused_cleanly(client, operator):
    login(client, operator)
    response = upload(client, "bukan spreadsheet", name="usulan.exe")
    assert response.status_code == 422
    assert "Format berkas harus CSV atau XLSX." in response.get_data(as_text=True)


def test_the_forms_addresses_reloaded_land_on_the_program_page(client, operator):
    """After a refused upload or nomination the browser shows the form's address; reloading it
    (a GET) answered 405. Now it lands on the program's page."""
    login(client, operator)
    for path in ("/portal/operator/unggah", "/portal/operator/usulan",
                 "/portal/operator/guru_ngaji/unggah", "/portal/operator/guru_ngaji/usulan"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/portal/operator/guru_ngaji"), path
    assert client.get("/portal/operator/tidak_ada/unggah").status_code == 404


def test_operator_completes_documents_and_submits_a_nomination(client, operator):
    login(client, operator)
    # every required answer of the declared form can travel in the file (tempat_mengajar)
    upload(client, HEADER.replace("\n", ",tempat_mengajar\n") + FAUZI.replace("\n", ",TPQ\n"))
    application = db.session.scalar(sa.select(Application).where(
        Application.nominated_by_user_id == operator.id))
    attach_for_stage(application, operator)
    response = post_form(client, f"/portal/permohonan/{application.id}/kirim", {})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert fresh(application).stage == "verification"


def test_only_village_operators_nominate(client, db_session, programs):
    user = create_applicant()
    login(client, user)
    assert client.get("/portal/operator").status_code == 404


def test_personal_profile_validates_nik_and_shows_it_to_the_person(client, db_session, programs):
    user = create_applicant(name="Ustadz Hasan Basri")
    login(client, user)
    data = {"full_name": "Ustadz Hasan Basri", "nik": "3603013213850001", "address": "Kp. Cangkudu",
            "desa_code": DESA, "is_civil_servant": "tidak", "has_fixed_income": "tidak",
            "teaching_since": "2015-07-01"}
    refused = post_form(client, "/portal/profil", data)
    assert refused.status_code == 422  # month 13 is no date
    assert 'value="3603013213850001"' in refused.get_data(as_text=True)
    ok = post_form(client, "/portal/profil", {**data, "nik": "3603 0112 0185 0009"})
    assert ok.status_code == 302
    user = fresh(user)
    person = db.session.get(Person, user.person_id)
    assert person.reveal_nik() == "3603011201850009" and person.is_civil_servant is False
    page = client.get("/portal/profil").get_data(as_text=True)
    assert 'value="3603011201850009"' in page and "3603••••••••0009" in page


def test_row_reasons_and_file_errors_in_english(client, operator, compiled_catalog):
    login(client, operator)
    choose_language(client, "en")
    rows = (HEADER
            + FAUZI
            + f"Salah NIK,36030112,{DESA},Kp. Cangkudu,2015-07-01,20,tidak,tidak,,\n"
            + "Warga Lain,3603011201850003,36.03.18.2001,Cikupa,2015-07-01,20,tidak,tidak,,\n"
            + f"Ahmad Ganda,3603011201850001,{DESA},Kp. Cangkudu,2015-07-01,20,tidak,tidak,,\n"
            + f"Tanpa Santri,3603011201850004,{DESA},Kp. Cangkudu,2015-07-01,,tidak,tidak,,\n"
            + f"Santri Huruf,3603011201850005,{DESA},Kp. Cangkudu,2015-07-01,dua,tidak,tidak,,\n")
    text = upload(client, rows).get_data(as_text=True)
    assert "Accepted as a nomination (draft)." in text
    assert "NIK must be 16 digits (you entered 8)" in text
    assert ("Not a resident of your village: village code 36.03.18.2001 is not "
            f"{DESA}.") in text
    assert "Duplicate NIK: the same NIK appears in another row of this file." in text
    assert "Required columns are empty: Pupils taught." in text
    assert "Invalid answers: Pupils taught: Enter a number" in text
    for indonesian in ("Diterima sebagai usulan", "NIK harus 16 digit", "Bukan warga desa Anda",
                       "NIK ganda", "Kolom wajib kosong", "Jumlah santri harus"):
        assert indonesian not in text

    again = upload(client, HEADER + FAUZI).get_data(as_text=True)
    assert "Duplicate NIK: already nominated for fiscal year" in again

    response = upload(client, "bukan spreadsheet", name="usulan.exe")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The file must be in CSV or XLSX format." in html
    assert "Format berkas harus CSV atau XLSX." not in html
