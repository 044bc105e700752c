"""Nomination as a capability of any program: GEBRAK PAKUMIS (a fixture definition, village
nomination, self-application refused) through the operator page, CSV and XLSX files, the
templates and the API; eligibility reasons shown at nomination; Guru Ngaji's civil servant."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.accounts.models import User
from app.applications import operations
from app.applications.models import Application
from app.extensions import db
from app.organizations.models import Person
from app.programs.registry import registry
from tests.api.conftest import bearer, issue
from tests.conftest import csrf_from, post_form
from tests.portal.conftest import login
from tests.support.factories import create_applicant, create_staff
from tests.support.programs import make_person, open_program, pakumis_app

FIXTURES = Path(__file__).resolve().parents[1] / "workflows" / "fixtures"
DESA = "36.03.01.2003"
HEADER = "nama,nik,kode_desa,alamat,tanah_milik_sendiri,bukti_tanah,jumlah_penghuni\n"


@pytest.fixture
def app(template_url, backend):
    with pakumis_app(template_url, backend, FIXTURES, reference={"guru_ngaji"}) as app:
        open_program("guru_ngaji")
        yield app


@pytest.fixture
def operator(app):
    user = create_staff("village_operator", region_code=DESA)
    db.session.commit()
    return user


@pytest.fixture
def client(app):
    return app.test_client()


def upload(client, key: str, content: bytes, name: str):
    url = f"/portal/operator/{key}/unggah"
    return client.post(url, data={"csrf_token": csrf_from(client, f"/portal/operator/{key}"),
                                  "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def nominated(operator, key="pakumis") -> list[Application]:
    return db.session.scalars(sa.select(Application).where(
        Application.nominated_by_user_id == operator.id, Application.program_key == key)
        .order_by(Application.id)).all()


def test_operator_chooses_among_the_programs_they_nominate_for(client, operator):
    login(client, operator)
    page = client.get("/portal/operator").get_data(as_text=True)
    assert "GEBRAK PAKUMIS" in page and "Insentif Guru Ngaji" in page
    pakumis = client.get("/portal/operator/pakumis").get_data(as_text=True)
    assert "Apakah rumah berdiri di atas tanah milik sendiri?" in pakumis  # declared field
    assert "Mulai mengajar sejak" not in pakumis  # no rule of PAKUMIS reads it
    assert client.get("/portal/operator/sanitren").status_code == 404


def test_templates_carry_the_programs_columns(client, operator):
    login(client, operator)
    response = client.get("/portal/operator/pakumis/templat.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert header == ["nama", "nik", "kode_desa", "alamat", "no_hp", "npwp", "bank",
                      "no_rekening", "tanah_milik_sendiri", "bukti_tanah", "jumlah_penghuni",
                      "kondisi_rumah"]
    book = load_workbook(io.BytesIO(client.get("/portal/operator/pakumis/templat.xlsx").data))
    assert [c.value for c in book["Usulan"][1]] == header
    guide = {row[0]: row for row in book["Petunjuk"].iter_rows(values_only=True)}
    assert guide["tanah_milik_sendiri"][1:] == (
        "Apakah rumah berdiri di atas tanah milik sendiri?", "wajib", "ya/tidak")
    assert guide["kode_desa"][1] == "kode desa" and guide["nama"][2] == "wajib"
    guru = client.get("/portal/operator/guru_ngaji/templat.csv").get_data(as_text=True)
    assert "mengajar_sejak" in guru and "jumlah_santri" in guru and "asn" in guru


def test_csv_rows_are_checked_by_the_declared_form_and_judged_at_once(client, operator):
    login(client, operator)
    rows = (HEADER
            + f"Bapak Sarmin,3603011201850001,{DESA},Kp. Cangkudu,ya,sertifikat,4\n"
            + f"Terlalu Ramai,3603011201850002,{DESA},Kp. Cangkudu,ya,sertifikat,99\n"
            + f"Tanpa Jawaban,3603011201850003,{DESA},Kp. Cangkudu,,,3\n"
            + f"Bukti Salah,3603011201850004,{DESA},Kp. Cangkudu,ya,kuitansi,3\n")
    text = upload(client, "pakumis", rows.encode(), "usulan.csv").get_data(as_text=True)
    assert "1 baris diterima, 3 baris ditolak." in text
    assert "Jumlah penghuni rumah" in text  # the declared label of the refused answer
    assert "Kolom wajib kosong: Apakah rumah berdiri di atas tanah milik sendiri?." in text
    # accepted as a draft, but not called eligible: not in DTKS, with the rule's reason
    assert "1 usulan belum memenuhi syarat" in text and "Belum memenuhi syarat" in text
    assert "Terdaftar di DTKS" in text
    (application,) = nominated(operator)
    assert application.stage == "proposal" and application.submitted_dt is None
    assert application.answers["owns_land"] is True and application.answers["residents"] == 4


def test_xlsx_file_built_from_the_template_is_imported(client, operator):
    login(client, operator)
    nik = make_person(name="Ibu Warsih", dtks=True, desa_code=DESA).reveal_nik()
    book = Workbook()
    book.active.append(["nama", "nik", "kode_desa", "tanah_milik_sendiri", "bukti_tanah",
                        "jumlah_penghuni"])
    book.active.append(["Ibu Warsih", nik, DESA, "ya", "girik", 6])
    out = io.BytesIO()
    book.save(out)
    text = upload(client, "pakumis", out.getvalue(), "usulan.xlsx").get_data(as_text=True)
    assert "1 baris diterima, 0 baris ditolak." in text, text[-3000:]
    assert "Memenuhi syarat" in text and "belum memenuhi syarat" not in text
    assert nominated(operator)[0].answers["land_proof"] == "girik"


def test_single_nomination_form_for_pakumis(client, operator):
    login(client, operator)
    response = post_form(client, "/portal/operator/pakumis/usulan", {
        "full_name": "Bapak Sarmin", "nik": "3603011201850001", "address": "Kp. Cangkudu",
        "owns_land": "ya", "land_proof": "ajb", "residents": "5"},
        form_url="/portal/operator/pakumis")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert nominated(operator)[0].answers["land_proof"] == "ajb"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Belum memenuhi syarat" in page and "Terdaftar di DTKS" in page


def test_api_nominates_for_pakumis_and_names_unmet_rules(client, operator):
    token = issue(operator, "village_operator")
    body = {"program_key": "pakumis", "full_name": "Bapak Sarmin", "nik": "3603011201850001",
            "owns_land": True, "land_proof": "sertifikat", "residents": 4}
    response = client.post("/api/v1/nominations", json=body, headers=bearer(token))
    assert response.status_code == 201, response.json
    assert response.json["program_key"] == "pakumis" and response.json["eligible"] is False
    assert "low_income" in [r["key"] for r in response.json["unmet"]]
    bad = client.post("/api/v1/nominations", json={**body, "nik": "3603011201850002",
                                                   "residents": 99}, headers=bearer(token))
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "body.residents"
    unnamed = {k: v for k, v in body.items() if k != "program_key"}
    several = client.post("/api/v1/nominations", json=unnamed, headers=bearer(token))
    assert several.status_code == 422 and several.json["errors"][0]["field"] == "body.program_key"


def test_self_application_is_refused_in_portal_and_api(client, app):
    user = create_applicant(name="Bapak Sarmin")
    db.session.commit()
    login(client, user)
    page = client.get("/portal/program/pakumis/ajukan")
    assert page.status_code == 403
    assert "warga tidak dapat mengajukan sendiri" in page.get_data(as_text=True)
    detail = client.get("/program/pakumis").get_data(as_text=True)
    assert "warga tidak dapat mengajukan sendiri" in detail and "/pakumis/ajukan" not in detail
    person = make_person(name="Bapak Sarmin", user=user)
    token = issue(user, "applicant")
    response = client.post("/api/v1/applications", headers=bearer(token),
                           json={"program_key": "pakumis", "person_id": person.id})
    assert response.status_code == 403, response.json
    assert response.json["code"] == "self_application_refused"
    with pytest.raises(operations.ApplicationError):
        operations.create_draft("pakumis", owner=user, person=person)


def test_a_civil_servant_guru_ngaji_is_shown_as_not_eligible_at_nomination(client, operator):
    login(client, operator)
    rows = ("nama,nik,kode_desa,mengajar_sejak,jumlah_santri,asn,penghasilan_tetap,npwp\n"
            f"Pak Guru ASN,3603011201850011,{DESA},2015-07-01,25,ya,tidak,3603011201850011\n")
    text = upload(client, "guru_ngaji", rows.encode(), "usulan.csv").get_data(as_text=True)
    assert "1 baris diterima" in text and "Belum memenuhi syarat" in text
    assert "Bukan ASN, TNI, atau Polri" in text
    assert "Permohonan terkirim" not in text


SCHOOL_A, SCHOOL_B = "20601234", "20605678"


@pytest.fixture
def school_app(template_url, backend, tmp_path):
    """PAKUMIS as a program that schools nominate for (the fixture with ``by: school_operator``
    and an optional ``school_npsn`` answer)."""

    text = (FIXTURES / "pakumis.yaml").read_text(encoding="utf-8")
    assert "  by: village_operator\n" in text
    npsn_field = ("        - key: school_npsn\n          type: text\n"
                  "          label: {id: NPSN sekolah, en: School NPSN}\n"
                  "          required: false\n          max_length: 8\nwindow:")
    assert "          max_length: 500\nwindow:" in text
    text = text.replace("village_operator", "school_operator")  # nominates and sends
    text = text.replace("\nwindow:", "\n" + npsn_field, 1)
    (tmp_path / "pakumis.yaml").write_text(text, encoding="utf-8")
    with pakumis_app(template_url, backend, tmp_path, reference=set()) as app:
        yield app


def school_operator(npsn: str):
    user = create_staff("school_operator")
    for assignment in user.roles:
        assignment.school_npsn = npsn
    db.session.commit()
    return user


def test_a_school_operator_names_the_desa_and_nominates_for_their_own_school(school_app):
    """The page asks a school operator for the nominee's desa (a village operator's is fixed);
    the nomination carries the operator's school, by page and by API; another school's is
    refused."""
    from app.applications import nomination as nominations

    first, second = school_operator(SCHOOL_A), school_operator(SCHOOL_B)
    ids = first.id, second.id
    client = school_app.test_client()
    login(client, first)
    page = client.get("/portal/operator/pakumis").get_data(as_text=True)
    assert 'name="desa_code"' in page and '<optgroup label="Balaraja">' in page
    person = {"full_name": "Bapak Sarmin", "nik": "3603011201850001", "address": "Kp. Cangkudu",
              "owns_land": "ya", "land_proof": "ajb", "residents": "5"}
    missing = post_form(client, "/portal/operator/pakumis/usulan", person,
                        form_url="/portal/operator/pakumis")
    assert missing.status_code == 422 and "Pilih desa/kelurahan." in missing.get_data(as_text=True)
    assert nominated(first) == []
    response = post_form(client, "/portal/operator/pakumis/usulan", {**person, "desa_code": DESA},
                         form_url="/portal/operator/pakumis")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    [application] = nominated(first)
    assert application.answers["school_npsn"] == SCHOOL_A
    assert db.session.get(Person, application.person_id).desa_code == DESA

    first, second = (db.session.get(User, user_id) for user_id in ids)  # after the requests
    token = issue(second, "school_operator")
    body = {"program_key": "pakumis", "full_name": "Ibu Sarni", "nik": "3603011201850003",
            "desa_code": DESA, "owns_land": True, "land_proof": "sertifikat", "residents": 4}
    created = client.post("/api/v1/nominations", json=body, headers=bearer(token))
    assert created.status_code == 201, created.json
    first, second = (db.session.get(User, user_id) for user_id in ids)
    assert [a.answers["school_npsn"] for a in nominated(second)] == [SCHOOL_B]

    client = school_app.test_client()
    login(client, first)
    other = post_form(client, "/portal/operator/pakumis/usulan",
                      {**person, "nik": "3603011201850004", "desa_code": DESA,
                       "school_npsn": SCHOOL_B}, form_url="/portal/operator/pakumis")
    assert other.status_code == 422
    shown = re.search(r'id="school_npsn-error">(.*?)</div>', other.get_data(as_text=True), re.S)
    assert shown and f"NPSN {SCHOOL_B} berbeda dengan {SCHOOL_A}" in shown.group(1)
    first = db.session.get(User, ids[0])
    defn = registry().current("pakumis")
    with pytest.raises(nominations.RowRefused, match=f"NPSN {SCHOOL_B} berbeda dengan {SCHOOL_A}"):
        nominations.nominate_one(first, defn, {
            "nama": "Bapak Darta", "nik": "3603011201850005", "kode_desa": DESA,
            "tanah_milik_sendiri": "ya", "bukti_tanah": "ajb", "jumlah_penghuni": "3",
            "school_npsn": SCHOOL_B})
