"""Server-side login sessions behind Flask-Login.

The signed cookie carries only a random session token; the ``user_sessions`` row decides whether
it is still valid (not revoked, not idle too long, not older than the absolute limit). This gives
rotation at login, invalidation at logout and password change, and idle/absolute timeouts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request
from sqlalchemy.orm import joinedload

from app.accounts.models import User, UserSession
from app.db import utcnow
from app.extensions import db

#: touch last_seen at most this often, to avoid a write on every request
TOUCH_INTERVAL = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    token = secrets.token_urlsafe(32)
    agent = (request.user_agent.string or "")[:200] if request else None
    db.session.add(UserSession(token_hash=_hash(token), user_id=user.id, user_agent=agent))
    user.current_session_id = token
    return token


#: one round trip: the session row, its user and the user's roles (with their agencies); built
#: once, so its cache key is computed once rather than on every request
_SESSION_BY_TOKEN = (
    sa.select(UserSession)
    .where(UserSession.token_hash == sa.bindparam("token_hash"))
    .options(joinedload(UserSession.user).joinedload(User.roles))
)


def load_session_user(token: str) -> User | None:
    row = db.session.execute(
        _SESSION_BY_TOKEN, {"token_hash": _hash(token)}
    ).unique().scalar_one_or_none()
    if row is None or row.revoked_dt is not None or not row.user.is_active:
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    if now - row.last_seen_dt > idle or now - row.created_dt > absolute:
        return None
    if now - row.last_seen_dt > TOUCH_INTERVAL:
        row.last_seen_dt = now
        db.session.commit()
    row.user.current_session_id = token
    return row.user


def revoke_session(token: str | None) -> None:
    if token:
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.token_hash == _hash(token), UserSession.revoked_dt.is_(None))
            .values(revoked_dt=utcnow())
        )


def revoke_all_sessions(user: User, *, except_token: str | None = None) -> None:
    query = sa.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_dt.is_(None)
    )
    if except_token:
        query = query.where(UserSession.token_hash != _hash(except_token))
    db.session.execute(query.values(revoked_dt=utcnow()))
