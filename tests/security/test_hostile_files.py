"""Hostile files: a real parse of every upload (issue 15, item 4).

A file that starts with ``%PDF-`` and goes on as HTML, a PDF with JavaScript, a launch action or
an embedded file, a broken PDF, and a PNG whose header claims 60000x60000 pixels are refused with
a reason; images are re-encoded without EXIF, keeping only the geotag and capture time as data.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
import sqlalchemy as sa
from flask import session
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from app.api.tokens import issue_token
from app.applications import documents
from app.applications.models import Document
from app.applications.sample_files import blank_pdf, tiny_image
from app.extensions import db


def pdf_with(build) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action(kind: str, key: str, value: str):
    """A document-open action of ``kind`` (/JavaScript, /Launch) built by hand."""
    def build(writer: PdfWriter) -> None:
        action = DictionaryObject({
            NameObject("/S"): NameObject(kind), NameObject(key): TextStringObject(value),
        })
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return build


def huge_png(width: int = 60000, height: int = 60000) -> bytes:
    """A PNG whose header claims ``width`` x ``height``, with a few bytes of data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def geotagged_jpeg() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Secret Model 9"
    exif[ExifTags.Base.Orientation] = 1
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:02:03 09:15:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 10.0, 41.88)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 29.0, 47.4)
    return tiny_image("JPEG", (32, 24), exif=exif.tobytes())


HOSTILE = {
    "html_after_header": (
        "proposal", b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>",
        "HTML atau skrip"),
    "html_appended_to_a_real_pdf": (
        "proposal", blank_pdf() + b"\n<script>alert(1)</script>", "HTML atau skrip"),
    "javascript": (
        "proposal", pdf_with(open_action("/JavaScript", "/JS", "app.alert(1)")), "JavaScript"),
    "launch_action": ("proposal", pdf_with(open_action("/Launch", "/F", "cmd.exe")), "JavaScript"),
    "embedded_file": (
        "proposal", pdf_with(lambda w: w.add_attachment("x.exe", b"MZ\x90\x00")), "tersemat"),
    "truncated": ("proposal", blank_pdf()[:40], "rusak"),
    "huge_png": ("site_photos", huge_png(), "60000×60000"),
    "broken_jpeg": ("site_photos", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "Gambar rusak"),
}


@pytest.fixture
def api_owner(app, applicant_draft):
    owner, draft = applicant_draft
    _, token = issue_token(owner, "applicant")
    db.session.commit()
    return draft, {"Authorization": f"Bearer {token}"}


def upload(app, draft, headers, doc_type, filename, content):
    return app.test_client().post(
        f"/api/v1/applications/{draft.id}/documents", headers=headers,
        data={"doc_type": doc_type, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data")


def count_documents(draft) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Document).where(
        Document.application_id == draft.id))


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_are_refused_with_the_reason(app, api_owner, case):
    draft, headers = api_owner
    doc_type, content, reason = HOSTILE[case]
    name = "berkas.pdf" if doc_type == "proposal" else "foto.png"
    response = upload(app, draft, headers, doc_type, name, content)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert reason in response.get_json()["detail"]
    assert count_documents(draft) == 0


def test_the_reason_is_translated_where_it_is_read(app, applicant_draft, compiled_catalog):
    """The API speaks Indonesian; the web pages read the same refusal in the page's language."""
    owner, draft = applicant_draft
    with pytest.raises(documents.DocumentRejected) as refused:
        documents.attach(draft, "site_photos", "foto.png", huge_png(), owner)
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert refused.value.message == (
            "Image refused: 60000×60000 pixels exceeds the limit of 50 megapixels.")


def test_a_plain_pdf_is_stored_byte_for_byte(app, api_owner, tmp_path, monkeypatch):
    draft, headers = api_owner
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    content = blank_pdf()
    assert upload(app, draft, headers, "proposal", "usulan.pdf", content).status_code == 201
    doc = db.session.scalar(sa.select(Document).where(Document.application_id == draft.id))
    assert documents.read(doc) == content


def test_images_are_reencoded_keeping_only_geotag_and_time(app, applicant_draft, tmp_path,
                                                          monkeypatch):
    owner, draft = applicant_draft
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    original = geotagged_jpeg()
    assert b"Secret Model 9" in original
    doc = documents.attach(draft, "site_photos", "foto.jpg", original, owner)
    stored = documents.read(doc)
    assert b"Secret Model 9" not in stored and b"PhoneMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert Image.open(io.BytesIO(stored)).size == (32, 24)
    assert doc.meta["exif"] == {"lat": -6.1783, "lon": 106.4965, "taken": "2026:02:03 09:15:00"}
    assert doc.content_type == "image/jpeg" and doc.size_bytes == len(stored)


def test_the_pixel_limit_is_a_setting(app, applicant_draft, monkeypatch):
    owner, draft = applicant_draft
    monkeypatch.setitem(app.config, "UPLOAD_MAX_PIXELS", 100)
    with pytest.raises(documents.DocumentRejected, match="megapiksel"):
        documents.attach(draft, "site_photos", "foto.png", tiny_image("PNG", (20, 20)), owner)

