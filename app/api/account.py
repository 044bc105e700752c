"""The token itself: who it acts as, with which role, until when."""

from __future__ import annotations

from datetime import datetime

from app.api.blueprint import api
from app.api.schemas import Out


class TokenInfo(Out):
    token_prefix: str
    kind: str
    role: str
    agency: str | None
    user_id: int
    user_name: str
    expires_dt: datetime
    last_used_dt: datetime | None


@api.operation("GET", "/me", summary="The token in use", tags=("tokens",), response=TokenInfo)
def who_am_i(user):
    """Role, agency and expiry of the presented token."""
    token = user.token
    return TokenInfo(token_prefix=token.prefix, kind=token.kind, role=token.role,
                     agency=user.agency_code, user_id=user.id, user_name=user.full_name,
                     expires_dt=token.expires_dt, last_used_dt=token.last_used_dt)
