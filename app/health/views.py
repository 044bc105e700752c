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


def _redis_status() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not_configured"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except redis.RedisError:
        return "unreachable"


@bp.route("/healthz")
@limiter.exempt
def healthz():
    database = "ok" if _database_ok() else "unreachable"
    broker = _redis_status()
    healthy = database == "ok" and broker != "unreachable"
    body = {"status": "ok" if healthy else "degraded", "database": database, "redis": broker}
    return jsonify(body), 200 if healthy else 503
