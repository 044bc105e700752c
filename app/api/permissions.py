"""Role gates of the API that have no web counterpart, and re-exports of those that do.

Object-level decisions (may this user see, edit, act on, upload to this application) are NOT
made here: the API calls ``app.applications.permissions`` exactly as the web views do. What is
here: who may be issued a token, and the audit export's gate (the auditor only, as issue #8 asks;
the web's audit pages also admit administrators).
"""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.roles import AGENCY_ROLES, AUDITOR
from app.staff.permissions import can_administer, can_use_finance, can_use_queue

__all__ = [
    "can_administer", "can_issue_token", "can_read_audit_trail", "can_use_finance",
    "can_use_queue",
]


def can_issue_token(user: User, role: str, agency_code: str | None) -> bool:
    """A token only for a role the user holds; staff tokens name the agency they hold it at."""
    if not user.is_active:
        return False
    if role in AGENCY_ROLES and not agency_code:
        return False
    return user.has_role(role, agency_code)


def can_read_audit_trail(user: User) -> bool:
    return user.has_role(AUDITOR)
