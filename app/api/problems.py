"""Errors as RFC 9457 problem documents (``application/problem+json``), never HTML under /api/.

``ApiProblem`` is raised by handlers; the blueprint's error handlers turn it, every HTTP error
and every unexpected exception into a problem document. Routing errors (404/405 for an unknown
path or method) happen before a blueprint is known, so they are caught app-wide but only answered
here for paths under the API prefix; everything else goes on to ``app.web``'s error pages.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, json, request
from flask_babel import gettext as _
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.web import RETRY_AFTER, assign_request_id, database_unreachable, http_error

log = logging.getLogger("sibantu.api")

PROBLEM_JSON = "application/problem+json"
#: problem types: a stable URI per kind of refusal (described on the documentation page)
TYPE_BASE = "/api/v1/docs#problem-"

TITLES = {
    400: "Permintaan tidak valid",
    401: "Autentikasi diperlukan",
    403: "Akses ditolak",
    404: "Tidak ditemukan",
    405: "Metode tidak diizinkan",
    409: "Konflik dengan keadaan saat ini",
    413: "Isi permintaan terlalu besar",
    415: "Jenis isi tidak didukung",
    422: "Data tidak dapat diproses",
    429: "Terlalu banyak permintaan",
    500: "Terjadi kesalahan",
    503: "Layanan sedang tidak tersedia",
}
DETAILS = {
    401: "Kirim token API yang sah di header Authorization: Bearer <token>.",
    403: "Token ini tidak memiliki peran yang diperlukan.",
    404: "Sumber daya tidak ada atau tidak dapat Anda akses.",
    405: "Metode HTTP ini tidak didukung untuk alamat tersebut.",
    413: "Isi permintaan melebihi batas ukuran.",
    429: "Batas permintaan untuk token ini terlampaui; coba lagi nanti.",
    500: "Terjadi kesalahan di sistem; kejadian ini telah dicatat.",
    503: "Basis data sementara tidak dapat dijangkau; ulangi permintaan sebentar lagi.",
}


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. `fields.deadline`")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(description="URI of the problem type; `about:blank` for plain HTTP errors")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str | None = Field(None, description="Machine-readable reason, e.g. `already_handled`")
    errors: list[FieldError] | None = None


class ApiProblem(Exception):
    """Raised by API handlers; rendered as a problem document with ``status``."""

    def __init__(self, status: int, detail: str | None = None, *, code: str | None = None,
                 errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail or code or str(status))
        self.status, self.detail, self.code = status, detail, code
        self.errors, self.headers = errors, headers or {}


def problem_response(status: int, detail: str | None = None, *, code: str | None = None,
                     errors: list[dict[str, str]] | None = None,
                     headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code.replace("_", "-") if code else "about:blank",
        "title": _(TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])),
        "status": status,
        "detail": detail or (_(DETAILS[status]) if status in DETAILS else None),
        "instance": request.path,
    }
    if code:
        body["code"] = code
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _from_api_problem(exc: ApiProblem) -> Response:
    return problem_response(exc.status, exc.detail, code=exc.code, errors=exc.errors,
                            headers=exc.headers)


def _from_http(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers = {}
    allowed = getattr(exc, "valid_methods", None)
    if status == 405 and allowed:
        headers["Allow"] = ", ".join(allowed)
    code = {413: "too_large", 429: "rate_limited"}.get(status)
    return problem_response(status, code=code, headers=headers)


def _unexpected(exc: Exception) -> Response:
    _rollback()
    if database_unreachable(exc):
        log.error("API: database unreachable (request %s): %s", assign_request_id(), exc)
        return problem_response(503, code="service_unavailable",
                                headers={"Retry-After": RETRY_AFTER})
    log.exception("unhandled API error (request %s)", assign_request_id())
    return problem_response(500, code="internal_error")


def _rollback() -> None:
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:  # the connection is gone: nothing to undo on it
        db.session.remove()


def in_api(prefix: str) -> bool:
    return request.path == prefix or request.path.startswith(prefix + "/")


def register(bp: Blueprint) -> None:
    """Error handlers on the blueprint, plus app-wide routing errors for paths under it."""
    bp.register_error_handler(ApiProblem, _from_api_problem)
    bp.register_error_handler(HTTPException, _from_http)
    bp.register_error_handler(Exception, _unexpected)
    bp.record_once(lambda state: _register_routing_errors(state.app, bp.url_prefix or "/api"))


def _register_routing_errors(app: Flask, prefix: str) -> None:
    def routing_error(exc: HTTPException):
        if in_api(prefix):
            return _from_http(exc)
        return http_error(exc)

    app.register_error_handler(404, routing_error)
    app.register_error_handler(405, routing_error)
