"""``/healthz``: what works and what runs degraded.

Only a database outage answers 503 (nothing can be served). A Redis outage answers 200 with
``"status": "degraded"``: pages and the API keep working (rate limits counted in memory per
process, notifications waiting in the outbox), so a load balancer must keep sending traffic;
monitoring alerts on ``status != "ok"``.
"""

from __future__ import annotations

import redis
import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from app.extensions import db, limiter

bp = Blueprint("health", __name__)


def _database_ok() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False


def _ping(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _redis_status() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not_configured"
    return "ok" if _ping(url) else "unreachable"


def _rate_limit_status() -> str:
    """``redis``, ``memory`` (no Redis configured) or ``memory_fallback`` (Redis unreachable)."""
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not uri.startswith(("redis://", "rediss://")):
        return "memory"
    return "redis" if _ping(uri) else "memory_fallback"


@bp.route("/healthz")
@limiter.exempt
def healthz():
    database = "ok" if _database_ok() else "unreachable"
    broker = _redis_status()
    rate_limit = _rate_limit_status()
    degraded = broker == "unreachable" or rate_limit == "memory_fallback"
    status = "down" if database != "ok" else "degraded" if degraded else "ok"
    body = {"status": status, "database": database, "redis": broker, "rate_limit": rate_limit}
    return jsonify(body), 503 if database != "ok" else 200
