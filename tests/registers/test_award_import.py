"""Earlier awards imported from a CSV/XLSX register: row-by-row report, and repeat limits
(``once_per`` with scope ``awarded``) that count them at the pre-check and at submission."""

import dataclasses
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.applications import operations, repeat_limits
from app.applications.eligibility import precheck
from app.applications.workflow import definition_of
from app.common import pii
from app.common.i18n import date_id, jakarta_today
from app.extensions import db
from app.programs.models import Award, AwardIdentifier
from app.registers.awards import import_awards
from app.registers.cli import registers_cli
from app.registers.models import RegisterImport
from app.registers.operations import RegisterFileError
from tests.conftest import post_form
from tests.support.factories import PASSWORD, create_staff
from tests.support.programs import attach_for_stage, make_person, open_program
from workflows.model import OncePer

DESA = "36.03.01.2003"
EARLIER = jakarta_today() - timedelta(days=400)
GROUP_LIMIT = OncePer("nik", "awarded", within_years=2, group="incentive")


@pytest.fixture
def operator(db_session, programs):
    open_program("guru_ngaji")
    return create_staff("village_operator", region_code=DESA)


def draft_for(operator, person):
    application = operations.create_draft("guru_ngaji", owner=operator, person=person,
                                          nominated_by=operator)
    operations.update_answers(application, operator, {"pupil_count": 25})
    db.session.commit()
    attach_for_stage(application, operator)
    return application


def with_limit(defn, policy):
    return dataclasses.replace(defn, groups=("incentive",), once_per=defn.once_per + (policy,))


def csv_of(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_an_imported_award_refuses_at_the_precheck_with_its_date(operator):
    person = make_person(name="Ustadz Karim", teacher=True, user=operator)
    application = draft_for(operator, person)
    defn = with_limit(definition_of(application), GROUP_LIMIT)
    before = {r["key"]: r for r in precheck(defn, application)}
    assert before["repeat_2_nik"]["outcome"] == "pass"

    content = csv_of("program;kelompok;tanggal;nik",
                     f"rutilahu;incentive;{EARLIER:%d/%m/%Y};{person.reveal_nik()}")
    batch, report = import_awards("bantuan-lama.csv", content, actor=operator)
    db.session.commit()
    assert report.accepted == 1 and batch.register == "awards" and batch.rows_failed == 0

    result = {r["key"]: r for r in precheck(defn, application)}["repeat_2_nik"]
    assert result["outcome"] == "fail" and result["blocking"]
    assert "RUTILAHU" in result["reason"]["id"] and date_id(EARLIER) in result["reason"]["id"]
    assert date_id(EARLIER, locale="en") in result["reason"]["en"]
    assert repeat_limits.refusals(defn, application) == [result["reason"]["id"]]
    narrower = with_limit(definition_of(application), dataclasses.replace(GROUP_LIMIT,
                                                                          within_years=1))
    assert {r["key"]: r for r in precheck(narrower, application)}["repeat_2_nik"][
        "outcome"] == "pass"


def test_the_award_is_stored_with_blind_indexes_only(operator):
    person = make_person(name="Ustadzah Aminah", teacher=True, user=operator)
    nik, kk = person.reveal_nik(), person.reveal_kk()
    content = csv_of("program,tanggal,nik,kk,ahu",
                     f"guru_ngaji,{EARLIER:%Y-%m-%d},{nik},{kk},"
                     "AHU-0001234.AH.01.26.TAHUN 2020")
    batch, _ = import_awards("a.csv", content)
    db.session.commit()
    award = db.session.scalar(sa.select(Award).where(Award.import_id == batch.id))
    assert (award.source, award.program_key, award.program_group, award.awarded_on) == (
        "import", "guru_ngaji", None, EARLIER)
    stored = dict(db.session.execute(
        sa.select(AwardIdentifier.kind, AwardIdentifier.value_bidx)
        .where(AwardIdentifier.award_id == award.id)).tuples().all())
    assert stored == {"nik": person.nik_bidx, "kk": person.kk_bidx,
                      "ahu": pii.blind_index("AHU-0001234.AH.01.26.TAHUN 2020", purpose="ahu")}
    assert nik not in str(stored) and kk not in str(stored)


def test_bad_rows_are_reported_one_by_one(operator):
    person = make_person(name="Ustadz Hasan", teacher=True, user=operator)
    nik = person.reveal_nik()
    tomorrow = jakarta_today() + timedelta(days=1)
    content = csv_of(
        "program,kelompok,tanggal,nik,nisn",
        f"guru_ngaji,,{EARLIER:%Y-%m-%d},{nik},",           # 2 accepted
        f"guru_ngaji,,{EARLIER:%Y-%m-%d},{nik},",           # 3 same row again
        f",incentive,{EARLIER:%Y-%m-%d},{nik},",            # 4 no program
        f"Guru Ngaji!,,{EARLIER:%Y-%m-%d},{nik},",          # 5 bad key
        f"guru_ngaji,,31/02/2024,{nik},",                   # 6 no such date
        f"guru_ngaji,,{tomorrow:%Y-%m-%d},{nik},",          # 7 future
        "guru_ngaji,,2024-01-01,12345,",                    # 8 bad NIK
        "guru_ngaji,,2024-01-01,,",                         # 9 no identifier
        "guru_ngaji,,2024-01-01,,0012345678",               # 10 accepted (NISN)
    )
    batch, report = import_awards("campur.csv", content)
    db.session.commit()
    refused = {r.row: r.message for r in report.refused}
    assert report.accepted == 2 and set(refused) == {3, 4, 5, 6, 7, 8, 9}
    assert "ganda" in refused[3] and "program kosong" in refused[4]
    assert "tidak sah" in refused[5] and "tidak dikenali" in refused[6]
    assert "masa depan" in refused[7] and "16 digit" in refused[8]
    assert "identitas" in refused[9]
    assert batch.rows_total == 9 and len(batch.report) == 7
    # a second import of the same file adds nothing twice
    _, again = import_awards("campur.csv", content)
    assert again.accepted == 0 and "sudah tercatat" in again.refused[0].message


def test_xlsx_dates_and_unreadable_files(operator):
    book = Workbook()
    sheet = book.active
    sheet.append(["Program", "Kelompok", "Tanggal", "NSPP"])
    sheet.append(["sanitren", "pesantren_aid", EARLIER, "510036030001"])
    buffer = io.BytesIO()
    book.save(buffer)
    _, report = import_awards("kemenag.xlsx", buffer.getvalue())
    assert report.accepted == 1 and not report.refused
    with pytest.raises(RegisterFileError, match="Kolom wajib"):
        import_awards("x.csv", csv_of("program,tanggal", f"a,{EARLIER}"))
    with pytest.raises(RegisterFileError, match="CSV atau XLSX"):
        import_awards("x.pdf", b"%PDF")


def test_admin_page_and_cli_import_awards(client, operator, app, tmp_path):
    person = make_person(name="Ustadz Salim", teacher=True, user=operator)
    admin = create_staff("admin")
    assert post_form(client, "/masuk", {"email": admin.email, "password": PASSWORD}).status_code \
        == 302
    content = csv_of("program,tanggal,nik", f"rutilahu,{EARLIER:%Y-%m-%d},{person.reveal_nik()}",
                     "rutilahu,kemarin,3603010101900001")
    response = post_form(client, "/admin/impor",
                         {"register": "awards", "file": (io.BytesIO(content), "lama.csv")},
                         content_type="multipart/form-data", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Laporan impor" in text and "tidak dikenali" in text

    path = tmp_path / "lama.csv"
    path.write_bytes(content.replace(b"rutilahu,", b"kembangku,"))
    result = app.test_cli_runner().invoke(registers_cli, ["import", "awards", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 baris diterima, 1 ditolak" in result.output and "baris 3:" in result.output
    imports = db.session.scalars(sa.select(RegisterImport.register)).all()
    assert imports.count("awards") == 2
