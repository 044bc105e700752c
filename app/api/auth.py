"""Bearer-token authentication for the API; the browser session is deliberately ignored.

``ignore_browser_session`` runs before every API request and makes Flask-Login's current user
anonymous, so a logged-in browser (or a page forging requests from one) has no authority here:
only ``Authorization: Bearer <token>`` does.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, request
from flask_login import AnonymousUserMixin

from app.api import tokens
from app.api.models import ApiToken
from app.api.problems import ApiProblem
from app.db import utcnow
from app.extensions import db

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sibantu-api"'}
DEFAULT_RATE_LIMIT = "600 per minute"


def ignore_browser_session() -> None:
    g._login_user = AnonymousUserMixin()


def bearer_value() -> str | None:
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else ""


def presented_token() -> ApiToken | None:
    """The token row named by the request (any state), looked up once per request."""
    if "api_token" not in g:
        raw = bearer_value()
        g.api_token = tokens.find_token(raw) if raw else None
    return g.api_token


def authenticate() -> tokens.TokenUser:
    raw = bearer_value()
    if raw is None:
        raise _unauthorized("token_missing", "Header Authorization: Bearer <token> diperlukan.")
    token = presented_token()
    if token is None:
        raise _unauthorized("token_invalid", "Token tidak dikenal.")
    now = utcnow()
    if token.revoked_dt is not None:
        raise _unauthorized("token_revoked", "Token telah dicabut.")
    if token.expires_dt <= now:
        raise _unauthorized("token_expired", "Token telah kedaluwarsa.")
    user = tokens.acting_user(token)
    if user is None:
        raise _unauthorized("token_invalid", "Pemilik token tidak aktif atau tidak lagi memegang "
                                             "peran token ini.")
    if tokens.touch(token, now):
        db.session.commit()
    return user


def _unauthorized(code: str, detail: str) -> ApiProblem:
    return ApiProblem(401, detail, code=code, headers=CHALLENGE)


def rate_limit_key() -> str:
    """Per token when one is presented (valid or not), else per client address.

    A database error is not the limiter's: keyed by address, the view then meets the same error
    and answers 503 (raised here, Flask-Limiter would take it for a Redis outage)."""
    try:
        token = presented_token()
    except sa.exc.SQLAlchemyError:
        return f"api-addr:{request.remote_addr}"
    if token is not None:
        return f"api-token:{token.id}"
    return f"api-addr:{request.remote_addr}"


def rate_limit_value() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)
