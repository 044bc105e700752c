"""A document download as a streamed response: the same headers for every interface."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, current_app, stream_with_context

from app.applications import documents
from app.applications.models import Document
from app.applications.storage import MissingContent


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    safe = documents.clean_filename(filename)
    ascii_name = safe.encode("ascii", "ignore").decode() or "dokumen"
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe)}"


def document_response(doc: Document, *, attachment: bool = True) -> Response:
    """Stream the bytes (never sniffed, never cached). Bytes missing from the store are logged
    and answered 404: the row exists, but there is nothing to give. A document the virus rescan
    quarantined is never served (403)."""
    if documents.is_quarantined(doc):
        current_app.logger.warning("document %s: quarantined, not served", doc.id)
        abort(403)
    try:
        chunks = documents.stream(doc)
    except MissingContent:
        current_app.logger.error("document %s: no bytes under its storage key", doc.id)
        abort(404)
    response = Response(stream_with_context(chunks), mimetype=doc.content_type)
    response.headers["Content-Length"] = str(doc.size_bytes)
    response.headers["Content-Disposition"] = content_disposition(doc.filename,
                                                                  attachment=attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
