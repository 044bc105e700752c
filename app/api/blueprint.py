"""The JSON API blueprint (/api/v1): token auth, problem+json errors, per-token rate limits.

Handlers live in one module per resource next to their request/response models; they import
``bp``/``api`` from here, and the package ``__init__`` imports them, which registers their routes
on ``bp`` and their operations on ``api`` (the OpenAPI document).
"""

from __future__ import annotations

from flask import Blueprint

from app.api import auth, problems
from app.api.openapi import ApiRegistry
from app.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
api = ApiRegistry(bp)

csrf.exempt(bp)
problems.register(bp)
bp.before_request(auth.ignore_browser_session)
limiter.limit(auth.rate_limit_value, key_func=auth.rate_limit_key, scope="api")(bp)
