"""Request-wide behaviour: request ids, security headers, error pages, template helpers."""

from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa
from flask import Flask, current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from app.common.i18n import date_id, install_template_gettext, rupiah
from app.common.identifiers import N_
from app.extensions import db
from app.notifications.operations import unread_count

log = logging.getLogger("sibantu")

#: flashed messages kept in the session cookie at most (a client that never shows a page,
#: e.g. a script posting forms, would otherwise grow the cookie past what browsers keep)
MAX_FLASHES = 5

ERROR_TEXT = {
    400: (
        N_("Permintaan tidak valid"),
        N_("Permintaan tidak dapat diproses. Muat ulang halaman dan coba lagi."),
    ),
    403: (N_("Akses ditolak"), N_("Anda tidak memiliki izin untuk membuka halaman ini.")),
    404: (
        N_("Halaman tidak ditemukan"),
        N_("Halaman yang Anda cari tidak ada atau tidak dapat Anda akses."),
    ),
    405: (
        N_("Metode tidak diizinkan"),
        N_("Tindakan ini tidak dapat dilakukan dengan cara tersebut."),
    ),
    413: (N_("Berkas terlalu besar"), N_("Berkas yang Anda kirim melebihi batas ukuran.")),
    422: (N_("Data belum lengkap"), N_("Periksa kembali isian Anda.")),
    429: (N_("Terlalu banyak percobaan"), N_("Tunggu sebentar sebelum mencoba lagi.")),
    500: (
        N_("Terjadi kesalahan"),
        N_("Maaf, terjadi kesalahan di sistem. Tim kami telah dicatat; coba lagi nanti."),
    ),
    503: (
        N_("Layanan sedang tidak tersedia"),
        N_("Sistem sedang mengalami gangguan sementara. Data Anda aman; coba lagi beberapa "
           "menit lagi."),
    ),
}
#: seconds a client is asked to wait when the database cannot be reached
RETRY_AFTER = "30"


def init_request_ids(app: Flask) -> None:
    """Register before every other hook (``create_app`` calls this first), so the id exists
    for every log line, even of an error raised by an extension's own before-request hook."""
    app.before_request(_request_id_hook)


def _request_id_hook() -> None:
    assign_request_id()  # a before-request hook that returned a value would be the response


def assign_request_id() -> str:
    """The request's id: the caller's ``X-Request-ID`` when it is a short token, else new."""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming[:64] if incoming.isalnum() else secrets.token_hex(8)
    return g.request_id


def database_unreachable(exc: BaseException) -> bool:
    """The database refused or dropped the connection (not a bug in a query)."""
    return isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError) or (
        isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated
    )


def init_app(app: Flask) -> None:
    app.before_request(_before_request)
    app.after_request(_security_headers)
    app.after_request(_bound_flashes)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, _unexpected_error)
    install_template_gettext(app)
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["date_id"] = _date_filter
    app.jinja_env.globals["has_endpoint"] = lambda name: _has_endpoint(app, name)
    app.context_processor(_template_context)


def _before_request() -> None:
    assign_request_id()
    g.lang = str(get_locale() or "id")


def _date_filter(value, *, with_time: bool = False, locale: str | None = None) -> str:
    """``date_id`` in the page's language (month names), unless a locale is given."""
    return date_id(value, with_time=with_time, locale=locale or g.get("lang") or "id")


def _has_endpoint(app: Flask, name: str) -> bool:
    return name in app.view_functions


def _template_context() -> dict:
    def unread() -> int:
        if not current_user.is_authenticated:
            return 0
        return unread_count(current_user)

    return {"unread_count": unread}


def _security_headers(response):
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
    if _is_production():
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    headers["X-Request-ID"] = g.get("request_id", "")
    if current_user and getattr(current_user, "is_authenticated", False):
        headers.setdefault("Cache-Control", "no-store")
    return response


def _bound_flashes(response):
    if session.modified and len(session.get("_flashes", ())) > MAX_FLASHES:
        session["_flashes"] = session["_flashes"][-MAX_FLASHES:]
    return response


def _is_production() -> bool:
    return current_app.config.get("PROFILE") == "production"


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render_error(code: int):
    title, message = ERROR_TEXT.get(code, ERROR_TEXT[500])
    if _wants_json():
        return {"title": _(title), "status": code, "detail": _(message)}, code
    try:
        return render_template(
            "errors/error.html", code=code, title=_(title), message=_(message)
        ), code
    except (BuildError, RuntimeError):  # an error page must never fail itself
        return f"{code} {title}", code


def http_error(exc: HTTPException):
    """The HTML error page (the API answers its own paths with problem+json, ``api.problems``)."""
    if exc.code is None or exc.code < 400:
        return exc
    return _render_error(exc.code)


def _unexpected_error(exc: Exception):
    _rollback()
    if database_unreachable(exc):
        log.error("database unreachable (request %s): %s", assign_request_id(), exc)
        return _unavailable_page()
    log.exception("unhandled error (request %s)", assign_request_id())
    return _render_error(500)


def _rollback() -> None:
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:  # the connection is gone: nothing to undo on it
        db.session.remove()


def _unavailable_page():
    """503 with Retry-After; error.html renders 5xx pages without the signed-in user's header,
    so the page itself needs no database."""
    body, code = _render_error(503)
    return body, code, {"Retry-After": RETRY_AFTER}
