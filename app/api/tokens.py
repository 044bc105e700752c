"""API tokens: issued for one role (at one agency), stored as SHA-256, expiring and revocable.

The raw value (``sbt_<prefix>_<secret>``) is returned once by ``issue_token`` and never stored.
A request acts as ``TokenUser``: the token's user holding only the token's role, so every
permission function and the workflow engine see exactly the authority the token was given.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.accounts.models import RoleAssignment, User
from app.accounts.roles import ROLES
from app.agencies.operations import agency_by_code
from app.api.models import ApiToken
from app.api.permissions import can_issue_token
from app.audit.operations import record
from app.db import utcnow
from app.extensions import db

TOKEN_PREFIX = "sbt_"  # noqa: S105  (a public marker, not a secret)
MAX_DAYS = 366
#: record last use at most this often (a write per request would serialise busy integrations)
TOUCH_INTERVAL = timedelta(minutes=1)


class TokenError(Exception):
    """Token creation refused (message in Indonesian)."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user: User, role: str, *, agency_code: str | None = None, days: int = 90,
                name: str = "token", kind: str = "personal",
                issued_by: User | None = None) -> tuple[ApiToken, str]:
    """Create a token for a role the user holds; returns the row and the raw value (shown once)."""
    if role not in ROLES:
        raise TokenError(f"Peran tidak dikenal: {role}.")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"Masa berlaku harus 1 sampai {MAX_DAYS} hari.")
    if kind not in ("personal", "service"):
        raise TokenError("Jenis token harus personal atau service.")
    if not can_issue_token(user, role, agency_code):
        raise TokenError("Pengguna tidak memegang peran tersebut pada OPD itu.")
    agency = agency_by_code(agency_code) if agency_code else None
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user_id=user.id, name=name[:100], kind=kind, token_hash=hash_token(raw),
                     prefix=prefix, role=role, agency_id=agency.id if agency else None,
                     expires_dt=utcnow() + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    record("api_token.issued", actor=issued_by or user, object_type="api_token",
           object_id=token.id, agency_code=agency_code,
           summary={"user_id": user.id, "role": role, "kind": kind, "days": days,
                    "prefix": prefix})
    return token, raw


def revoke_token(token: ApiToken, *, by: User | None = None) -> None:
    if token.revoked_dt is None:
        token.revoked_dt = utcnow()
        db.session.flush()
        record("api_token.revoked", actor=by, object_type="api_token", object_id=token.id,
               summary={"user_id": token.user_id, "prefix": token.prefix})


def find_token(raw: str) -> ApiToken | None:
    """The token with this raw value, whatever its state (None when unknown)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))


def is_usable(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return token.revoked_dt is None and token.expires_dt > now


def touch(token: ApiToken, now: datetime | None = None) -> bool:
    """Record the time of use (rate-limited); True when the row changed."""
    now = now or utcnow()
    if token.last_used_dt is not None and now - token.last_used_dt < TOUCH_INTERVAL:
        return False
    token.last_used_dt = now
    return True


class TokenUser:
    """The token's user seen through the token: only the token's role, at the token's agency."""

    is_authenticated = True
    is_anonymous = False

    has_role = User.has_role
    agency_codes = User.agency_codes
    role_pairs = User.role_pairs
    is_staff = User.is_staff

    def __init__(self, user: User, token: ApiToken) -> None:
        self._user = user
        self.token = token
        self.roles: list[RoleAssignment] = [
            r for r in user.roles
            if r.role == token.role and (token.agency_id is None or r.agency_id == token.agency_id)
        ]

    def __getattr__(self, name: str):
        return getattr(self._user, name)

    @property
    def agency_code(self) -> str | None:
        return next((r.agency_code for r in self.roles if r.agency_code), None)

    def __repr__(self) -> str:
        return f"<TokenUser {self._user.id} as {self.token.role}>"


def acting_user(token: ApiToken) -> TokenUser | None:
    """The user a usable token acts as, or None when the user is gone, inactive or lost the role."""
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    acting = TokenUser(user, token)
    return acting if acting.roles else None
