"""Register imports (admin): a DTKS/DTSEN or Kemenag pesantren file in, a row report out."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from werkzeug.datastructures import FileStorage

from app.api.blueprint import api
from app.api.permissions import can_administer
from app.api.problems import ApiProblem
from app.api.schemas import In, Out
from app.registers.operations import RegisterFileError, import_register


class ImportForm(In):
    file: Any = Field(None, description="CSV (UTF-8, comma or semicolon) or XLSX")


class RowOut(Out):
    row: int
    ok: bool
    message: str


class ImportReportOut(Out):
    import_id: int
    register_type: str = Field(description="dtks or pesantren")
    rows_total: int
    rows_ok: int
    rows_failed: int
    refused: list[RowOut] = Field(description="Refused rows with the reason (first 1,000)")


@api.operation("POST", "/registers/<register>/imports", summary="Import a register file",
               tags=("registers",), roles=("admin",), form=ImportForm, files=("file",),
               response=ImportReportOut, status=201, idempotent=True,
               path_schemas={"register": "register"})
def import_register_file(user, register: str, form: ImportForm):
    """Validate every row and upsert the valid ones (`dtks`: nik and/or kk; `pesantren`: nspp).
    Identifiers of people are stored only as blind indexes."""
    if not can_administer(user):
        raise ApiProblem(403)
    if register not in ("dtks", "pesantren"):
        raise ApiProblem(404, "Register tidak dikenal.", code="register_not_found")
    upload = form.file
    if not isinstance(upload, FileStorage) or not upload.filename:
        raise ApiProblem(422, "Pilih berkas.", code="validation_failed",
                         errors=[{"field": "form.file", "message": "file required"}])
    content = upload.read()
    if upload.filename.lower().endswith(".csv") and b"\x00" in content:
        raise ApiProblem(422, "Berkas CSV berisi karakter NUL.", code="register_file_refused",
                         errors=[{"field": "form.file", "message": "NUL byte in CSV"}])
    try:
        batch, report = import_register(register, upload.filename, content, actor=user)
    except RegisterFileError as exc:
        raise ApiProblem(422, str(exc), code="register_file_refused",
                         errors=[{"field": "form.file", "message": str(exc)}]) from None
    return ImportReportOut(
        import_id=batch.id, register_type=register, rows_total=batch.rows_total,
        rows_ok=batch.rows_ok, rows_failed=batch.rows_failed,
        refused=[RowOut(**r.to_dict()) for r in report.refused[:1000]],
    ), 201
