"""Uploaded documents: type checked by content, stored under random names in the document store
(app/applications/storage.py: the database by default, shared by every web host).

Replacing a document keeps the earlier version for the record (``is_current`` false).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.applications import notices
from app.applications.file_checks import DEFAULT_MAX_PIXELS, CheckedFile, FileRefused, check_file
from app.applications.models import Application, Document
from app.applications.storage import MissingContent, store
from app.applications.virus_scan import ScannerUnavailable, scan
from app.applications.workflow import definition_of
from app.audit.operations import record
from app.common.errors import Refusal
from app.extensions import db

#: leading bytes → (extension, content type)
SIGNATURES = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)
SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
#: ``meta["virus_scan"]`` of a document when ``CLAMD_SOCKET`` is set (absent otherwise)
CLEAN, PENDING, INFECTED = "clean", "pending", "infected"
log = logging.getLogger(__name__)


class DocumentRejected(Refusal):
    """The upload is refused; the message says why (translated when read, ``Refusal``)."""


def sniff(content: bytes) -> tuple[str, str] | None:
    for magic, extension, content_type in SIGNATURES:
        if content.startswith(magic):
            return extension, content_type
    return None


def clean_filename(name: str) -> str:
    """Keep only a harmless base name (no directories, no control characters)."""
    base = Path(name.replace("\\", "/")).name
    base = SAFE_NAME.sub("_", base).strip(" .") or "dokumen"
    return base[:150]


def _check(definition, doc_type: str, content: bytes) -> tuple[str, str, CheckedFile]:
    """(extension, content type, the checked file to store) or ``DocumentRejected``."""
    requirement = definition.document(doc_type)
    if requirement is None:
        raise DocumentRejected(_l("Jenis dokumen tidak dikenal untuk program ini."))
    if not content:
        raise DocumentRejected(_l("Berkas kosong."))
    if len(content) > requirement.max_mb * 1024 * 1024:
        raise DocumentRejected(_l("Ukuran berkas melebihi batas %(max)s MB.",
                                  max=requirement.max_mb))
    scanned = _virus_scan(content)
    sniffed = sniff(content)
    accepted = {"jpeg" if a == "jpeg" else a for a in requirement.accept}
    if sniffed is None or sniffed[0] not in accepted:
        allowed = ", ".join(a.upper() for a in requirement.accept)
        # TRANSLATORS: %(types)s lists the accepted file types, e.g. "PDF, JPG".
        raise DocumentRejected(_l("Isi berkas bukan %(types)s yang sah.", types=allowed))
    try:
        checked = check_file(sniffed[0], content, max_pixels=current_app.config.get(
            "UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    except FileRefused as refused:
        raise DocumentRejected(refused.lazy) from refused
    if scanned:
        checked = CheckedFile(checked.content, {**checked.meta, "virus_scan": scanned})
    return (*sniffed, checked)


def _virus_scan(content: bytes) -> str | None:
    """With ``CLAMD_SOCKET`` set: refuse an infected file; "clean", or "pending" when clamd is
    out of reach (the upload is kept and ``rescan_pending`` checks it when clamd is back: its
    type was already checked by a real parse, and an applicant's work is not lost to an outage).
    None when no scanner is configured."""
    address = current_app.config.get("CLAMD_SOCKET")
    if not address:
        return None
    try:
        found = scan(content, address, timeout=current_app.config.get("CLAMD_TIMEOUT", 30))
    except ScannerUnavailable as exc:
        log.warning("virus scan unavailable, upload kept as pending: %s", exc)
        return PENDING
    if found:
        log.warning("upload refused: clamd found %s", found)
        raise DocumentRejected(_l(
            "Berkas ditolak: pemindai virus menemukan %(name)s. Periksa perangkat Anda dan "
            "unggah berkas yang bersih.", name=found))
    return CLEAN


def rescan_pending(limit: int = 500) -> dict[str, int]:
    """Scan the documents kept as pending while clamd was out of reach, one commit each. An
    infected one is taken out of use (``is_current`` false, never served) and audited; the row
    and its bytes stay for the record. Stops at the first scanner failure (clamd still down)."""
    counts = {CLEAN: 0, INFECTED: 0, PENDING: 0}
    address = current_app.config.get("CLAMD_SOCKET")
    if not address:
        return counts
    ids = db.session.scalars(
        sa.select(Document.id).where(Document.meta["virus_scan"].as_string() == PENDING)
        .order_by(Document.id).limit(limit)
    ).all()
    for position, document_id in enumerate(ids):
        # a sweep running beside this one (two workers) skips the row instead of scanning twice
        document = db.session.get(Document, document_id, populate_existing=True,
                                  with_for_update={"skip_locked": True})
        if document is None or (document.meta or {}).get("virus_scan") != PENDING:
            db.session.rollback()
            continue
        try:
            found = scan(read(document), address,
                         timeout=current_app.config.get("CLAMD_TIMEOUT", 30))
        except ScannerUnavailable as exc:
            log.warning("virus rescan stopped, clamd unavailable: %s", exc)
            db.session.rollback()
            counts[PENDING] += len(ids) - position
            break
        except MissingContent:
            log.error("document %s: no bytes under its storage key, left pending", document.id)
            db.session.rollback()
            counts[PENDING] += 1
            continue
        if found:
            _quarantine(document, found)
        document.meta = {**document.meta, "virus_scan": INFECTED if found else CLEAN}
        counts[INFECTED if found else CLEAN] += 1
        db.session.commit()
    return counts


def _quarantine(document: Document, found: str) -> None:
    document.is_current = False
    document.meta = {**document.meta, "virus": found}
    record(
        "document.quarantined",
        program_key=document.application.program_key,
        object_type="document",
        object_id=document.id,
        object_version=document.version,
        summary={"application": document.application.number, "doc_type": document.doc_type,
                 "sha256": document.sha256, "virus": found},
    )
    notices.document_quarantined(document, found)  # an outbox row, in this transaction


def is_quarantined(document: Document) -> bool:
    return (document.meta or {}).get("virus_scan") == INFECTED


def attach(
    application: Application,
    doc_type: str,
    filename: str,
    content: bytes,
    user: User,
    *,
    meta: dict | None = None,
) -> Document:
    """Validate and store one file, superseding the current one of the same type. No commit."""
    definition = definition_of(application)
    _, content_type, checked = _check(definition, doc_type, content)
    content, meta = checked.content, {**checked.meta, **(meta or {})}
    previous = db.session.scalars(
        sa.select(Document).where(
            Document.application_id == application.id, Document.doc_type == doc_type
        ).order_by(Document.version)
    ).all()
    requirement = definition.document(doc_type)
    keep = (requirement.max_files if requirement is not None else 1) - 1
    current = [d for d in previous if d.is_current]
    for old in current[: len(current) - keep] if keep else current:
        old.is_current = False  # the oldest give way; every version stays on record
    key = secrets.token_hex(32)
    document = Document(
        application_id=application.id,
        doc_type=doc_type,
        version=max((d.version for d in previous), default=0) + 1,
        filename=clean_filename(filename),
        storage_key=key,
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_user_id=user.id,
        meta=meta or {},
    )
    db.session.add(document)
    db.session.flush()
    store().put(key, content)  # after the row: the bytes refer to it (and roll back with it)
    db.session.expire(application, ["documents"])
    record(
        "document.uploaded",
        actor=user,
        program_key=application.program_key,
        object_type="document",
        object_id=document.id,
        object_version=document.version,
        summary={
            "application": application.number,
            "doc_type": doc_type,
            "sha256": document.sha256,
            "size": document.size_bytes,
        },
    )
    return document


def read(document: Document) -> bytes:
    return store().get(document.storage_key)


def stream(document: Document) -> Iterator[bytes]:
    """The bytes in chunks, for a streamed download; ``MissingContent`` is raised at once."""
    return store().stream(document.storage_key)
