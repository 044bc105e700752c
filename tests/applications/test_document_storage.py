"""Document bytes in the shared store (app/applications/storage.py): both backends behind one
interface, bytes that roll back with their row, streamed downloads with the same checks and read
logging, another web host seeing an upload, and ``flask documents migrate``."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app import create_app
from app.applications import documents
from app.applications import operations as applications
from app.applications.downloads import document_response
from app.applications.models import Document, DocumentBlob
from app.applications.storage import CHUNK_SIZE, MissingContent, backend
from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import IsolatedClient, make_config
from tests.portal.conftest import login
from tests.support.factories import create_applicant, create_staff
from tests.support.programs import PDF, make_pesantren, open_program

#: a PDF spanning several stream chunks, with a tail shorter than a chunk
BIG_PDF = PDF + bytes(range(256)) * (CHUNK_SIZE * 2 // 256) + b"tail"


@pytest.fixture
def draft(programs):
    open_program("sanitren")
    owner = create_applicant(name="KH. Abdul Malik")
    application = applications.create_draft("sanitren", owner=owner,
                                            organization=make_pesantren(owner))
    db.session.commit()
    return owner, application


def blobs() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(DocumentBlob))


@pytest.mark.parametrize("name", ["db", "folder"])
def test_both_backends_put_get_stream_delete(app, draft, tmp_path, monkeypatch, name):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE", name)
    owner, application = draft
    doc = documents.attach(application, "proposal", "proposal.pdf", BIG_PDF, owner)
    store = backend(name)
    assert store.exists(doc.storage_key)
    assert store.get(doc.storage_key) == BIG_PDF
    chunks = list(store.stream(doc.storage_key))
    assert b"".join(chunks) == BIG_PDF and len(chunks) == 3
    assert max(len(c) for c in chunks) == CHUNK_SIZE
    store.delete(doc.storage_key)
    assert not store.exists(doc.storage_key)
    with pytest.raises(MissingContent):
        store.get(doc.storage_key)
    with pytest.raises(MissingContent):
        store.stream(doc.storage_key)  # at once, before any response has started


def test_the_database_is_the_default_store_and_a_rollback_leaves_nothing(app, draft):
    owner, application = draft
    assert app.config["DOCUMENT_STORAGE"] == "db"
    before = blobs()
    doc = documents.attach(application, "proposal", "proposal.pdf", PDF, owner)
    key = doc.storage_key
    assert blobs() == before + 1
    db.session.rollback()  # the request failed after the write
    assert blobs() == before
    assert db.session.scalar(sa.select(Document).where(Document.storage_key == key)) is None


def test_download_streams_with_checks_and_read_logging(app, client, draft):
    owner, application = draft
    doc = documents.attach(application, "proposal", "proposal.pdf", BIG_PDF, owner)
    db.session.commit()
    url = f"/permohonan/{application.id}/dokumen/{doc.id}"
    login(client, owner)
    response = client.get(url)
    assert response.status_code == 200 and response.data == BIG_PDF
    assert response.headers["Content-Length"] == str(len(BIG_PDF))
    assert response.headers["Content-Disposition"].startswith("attachment;")

    stranger = create_applicant(name="Pemohon Lain")
    client.post("/keluar", data={"csrf_token": _token(client)})
    login(client, stranger)
    assert client.get(url).status_code == 404

    reviewer = create_staff("reviewer", "KEMENAG")
    client.post("/keluar", data={"csrf_token": _token(client)})
    login(client, reviewer)
    reads = _count_reads()
    preview = client.get(f"/staf/permohonan/{application.id}/dokumen/{doc.id}")
    assert preview.status_code == 200 and preview.data == BIG_PDF
    assert preview.headers["Content-Disposition"].startswith("inline;")
    assert client.get(url).data == BIG_PDF
    assert _count_reads() == reads + 2


def test_the_response_is_streamed_in_chunks(app, draft):
    owner, application = draft
    doc = documents.attach(application, "proposal", "proposal.pdf", BIG_PDF, owner)
    with app.test_request_context():
        response = document_response(doc)
        assert response.is_streamed
        chunks = list(response.response)
    assert len(chunks) == 3 and b"".join(chunks) == BIG_PDF


def test_bytes_missing_from_the_store_are_a_404_not_a_500(app, client, draft):
    owner, application = draft
    doc = documents.attach(application, "proposal", "proposal.pdf", PDF, owner)
    db.session.execute(sa.delete(DocumentBlob).where(DocumentBlob.storage_key == doc.storage_key))
    db.session.commit()
    login(client, owner)
    assert client.get(f"/permohonan/{application.id}/dokumen/{doc.id}").status_code == 404


def test_migrate_to_db_copies_verified_bytes_and_reports_the_rest(app, draft, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE", "folder")
    owner, application = draft
    good = documents.attach(application, "proposal", "proposal.pdf", BIG_PDF, owner)
    bad = documents.attach(application, "cover_letter", "surat.pdf", PDF, owner)
    gone = documents.attach(application, "board_list", "pengurus.pdf", PDF + b"x", owner)
    db.session.commit()
    folder = backend("folder")
    folder.path(bad.storage_key).write_bytes(PDF + b"tampered")
    folder.delete(gone.storage_key)
    keys = (good.storage_key, bad.storage_key, gone.storage_key)

    result = app.test_cli_runner().invoke(args=["documents", "migrate", "--to", "db"])
    assert result.exit_code == 1, result.output
    assert "copied=1" in result.output and "corrupt=1" in result.output
    assert "missing=1" in result.output
    database = backend("db")
    assert [database.exists(k) for k in keys] == [True, False, False]
    assert hashlib.sha256(database.get(good.storage_key)).hexdigest() == good.sha256

    folder.path(bad.storage_key).write_bytes(PDF)  # the operator restores the file
    again = app.test_cli_runner().invoke(args=["documents", "migrate", "--to", "db"])
    assert "copied=1" in again.output and "present=1" in again.output, again.output
    assert database.get(bad.storage_key) == PDF


@pytest.mark.postgres
def test_a_document_uploaded_on_one_host_downloads_on_another(pg_committing_app, tmp_path):
    """Two app instances (two web hosts) with their own upload folders, one database."""
    first = pg_committing_app
    second = create_app(make_config(first.config["SQLALCHEMY_DATABASE_URI"],
                                    UPLOAD_DIR=str(tmp_path / "host-b")))
    second.test_client_class = IsolatedClient
    first.config["UPLOAD_DIR"] = str(tmp_path / "host-a")
    with first.app_context():
        from app.demo import ensure_reference_data

        ensure_reference_data()
        db.session.commit()
        open_program("sanitren")
        owner = create_applicant(name="KH. Abdul Malik")
        application = applications.create_draft("sanitren", owner=owner,
                                                organization=make_pesantren(owner))
        db.session.commit()
        doc = documents.attach(application, "proposal", "proposal.pdf", BIG_PDF, owner)
        db.session.commit()
        url = f"/permohonan/{application.id}/dokumen/{doc.id}"
        owner = SimpleNamespace(email=owner.email)
        db.session.remove()
    try:
        client = second.test_client()
        login(client, owner)
        response = client.get(url)
        assert response.status_code == 200 and response.data == BIG_PDF
    finally:
        with second.app_context():
            db.engine.dispose()


def _count_reads() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.seq)).where(
        AuditEvent.action == "personal_data.read"))


def _token(client) -> str:
    from tests.conftest import csrf_from

    return csrf_from(client, "/portal")
