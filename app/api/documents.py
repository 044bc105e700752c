"""Uploading an application's documents (multipart), checked by content, never by name."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints
from werkzeug.datastructures import FileStorage

from app.api.applications import DocumentOut, document_out, viewable
from app.api.blueprint import api
from app.api.problems import ApiProblem
from app.api.schemas import In
from app.applications import documents, workflow
from app.applications.permissions import can_upload_document


class UploadForm(In):
    doc_type: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    file: Any = Field(None, description="The file (PDF, JPG or PNG as the program accepts)")


@api.operation("POST", "/applications/<int:application_id>/documents",
               summary="Upload a document", tags=("applications",), form=UploadForm,
               files=("file",), response=DocumentOut, status=201, idempotent=True)
def upload_document(user, application_id: int, form: UploadForm):
    """Multipart upload (`doc_type`, `file`). The type is checked by content, not by name; an
    earlier version of the same type is kept for the record."""
    application = viewable(user, application_id)
    defn = workflow.definition_of(application)
    if defn.document(form.doc_type) is None:
        raise ApiProblem(422, "Jenis dokumen tidak dikenal untuk program ini.",
                         code="validation_failed",
                         errors=[{"field": "form.doc_type", "message": "unknown document type"}])
    if not can_upload_document(user, application, defn, form.doc_type):
        raise ApiProblem(403, "Dokumen ini tidak dapat diunggah oleh token ini pada tahap ini.")
    upload = form.file
    if not isinstance(upload, FileStorage) or not upload.filename:
        raise ApiProblem(422, "Pilih berkas.", code="validation_failed",
                         errors=[{"field": "form.file", "message": "file required"}])
    try:
        document = documents.attach(application, form.doc_type, upload.filename, upload.read(),
                                    user)
    except documents.DocumentRejected as exc:
        raise ApiProblem(422, str(exc), code="document_rejected",
                         errors=[{"field": "form.file", "message": str(exc)}]) from None
    return document_out(document), 201
