"""Importing DTKS/DTSEN and Kemenag pesantren registers with a row-by-row report."""

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.common import pii
from app.extensions import db
from app.registers.models import RegisterEntry
from app.registers.operations import RegisterFileError, import_register, is_listed

GOOD_NIK = "3603014708900001"
GOOD_KK = "3603010101090007"


def test_dtks_csv_rows_are_validated_one_by_one(db_session):
    content = (
        "nik;kk;kode_desa\n"
        f"{GOOD_NIK};{GOOD_KK};36.03.01.2003\n"
        "12345;;36.03.01.2003\n"
        f"{GOOD_NIK};;36.03.01.2003\n"
        ";;\n"
    ).encode()
    batch, report = import_register("dtks", "dtks.csv", content)
    db.session.commit()
    assert report.accepted == 1
    refused = {r.row: r.message for r in report.refused}
    assert set(refused) == {3, 4, 5}
    assert "16 digit" in refused[3]
    assert "ganda" in refused[4]
    assert batch.rows_total == 4 and batch.rows_failed == 3
    assert is_listed("dtks", "nik", pii.blind_index(GOOD_NIK, purpose="nik"))
    assert is_listed("dtks", "kk", pii.blind_index(GOOD_KK, purpose="kk"))
    raw = db.session.execute(sa.text("SELECT key_value FROM register_entries")).scalars().all()
    assert GOOD_NIK not in raw and GOOD_KK not in raw  # only blind indexes are stored


def test_pesantren_xlsx_import(db_session):
    book = Workbook()
    sheet = book.active
    sheet.append(["NSPP", "Nama", "Jenis"])
    sheet.append(["510036030001", "PP Al-Hidayah", "salafi"])
    sheet.append(["bukan-nspp", "PP Salah", "salafi"])
    buffer = io.BytesIO()
    book.save(buffer)
    _, report = import_register("pesantren", "kemenag.xlsx", buffer.getvalue())
    db.session.commit()
    assert report.accepted == 1 and len(report.refused) == 1
    entry = db.session.scalar(
        sa.select(RegisterEntry).where(RegisterEntry.key_value == "510036030001")
    )
    assert entry.attributes["name"] == "PP Al-Hidayah"


def test_reimport_updates_instead_of_duplicating(db_session):
    content = b"nspp,nama\n510036030001,PP Lama\n"
    import_register("pesantren", "a.csv", content)
    import_register("pesantren", "b.csv", content.replace(b"PP Lama", b"PP Baru"))
    db.session.commit()
    rows = db.session.scalars(
        sa.select(RegisterEntry).where(RegisterEntry.register == "pesantren")
    ).all()
    assert len(rows) == 1 and rows[0].attributes["name"] == "PP Baru"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.txt", b"nik\n1", "CSV atau XLSX"),
        ("data.csv", b"nama,alamat\nA,B\n", "Kolom wajib"),
        ("data.xlsx", b"not a zip", "tidak dapat dibaca"),
        ("data.csv", "nik\n\udcff".encode("utf-8", "surrogateescape"), "UTF-8"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(db_session, name, content, message):
    with pytest.raises(RegisterFileError, match=message):
        import_register("dtks", name, content)


def test_cli_import_prints_the_report(app, db_session, tmp_path):
    path = tmp_path / "dtks.csv"
    path.write_text(f"nik\n{GOOD_NIK}\n123\n")
    result = app.test_cli_runner().invoke(args=["registers", "import", "dtks", str(path)])
    assert result.exit_code == 0, result.output
    assert "baris 3:" in result.output
    assert "1 baris diterima, 1 ditolak" in result.output
