"""Who may use the staff workspace, the auditor's tools and the administration pages.

Every staff, audit and admin view is wrapped in ``for_roles(...)``: anonymous visitors go to the
login page, users holding none of the roles get 404, and the view carries its ``audience`` so the
authorization test can walk the URL map and check every route against every role.
Object-level checks on applications (agency scoping, tasks, documents) live in
``app.applications.permissions``; the workspace-level gates are below.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_login import current_user, login_required

from app.accounts.models import User
from app.accounts.roles import ADMIN, APPROVER, AUDITOR, FINANCE, SCHOOL_OPERATOR
from app.applications.models import StageTask
from app.applications.permissions import WORK_ROLES, work_scopes
from app.common.web import require

READ_ROLES = (*WORK_ROLES, AUDITOR, ADMIN)
AUDIT_ROLES = (AUDITOR, ADMIN)
#: who opens a case page and decides on it: the agency roles, and the school operators who
#: confirm their pupils' applications (``can_view_case`` narrows each to its own cases)
CASE_ROLES = (*READ_ROLES, SCHOOL_OPERATOR)
DECIDE_ROLES = (*WORK_ROLES, SCHOOL_OPERATOR)


def for_roles(*roles: str) -> Callable:
    """Login required, then at least one of ``roles`` (any agency) or 404."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any):
            require(any(current_user.has_role(role) for role in roles))
            return view(*args, **kwargs)

        guarded = login_required(checked)
        guarded.audience = frozenset(roles)  # type: ignore[attr-defined]
        return guarded

    return decorate


def can_use_queue(user: User) -> bool:
    return bool(work_scopes(user))


def worklist_endpoint(user: User) -> str:
    """Where a decision sends its maker back to: the agency queue, or a school operator's
    list (a school operator has no queue: sent there, they would meet a 404)."""
    if can_use_queue(user) or not user.has_role(SCHOOL_OPERATOR):
        return "staff.queue"
    return "staff.school"


def can_assign(user: User, task: StageTask | None) -> bool:
    """Heads (approvers) of the task's agency hand a task to a colleague."""
    if task is None or task.completed_dt is not None:
        return False
    return any(r.role == APPROVER and r.agency_id == task.agency_id for r in user.roles)


def can_use_finance(user: User) -> bool:
    return user.has_role(FINANCE)


def can_audit(user: User) -> bool:
    return any(user.has_role(role) for role in AUDIT_ROLES)


def can_administer(user: User) -> bool:
    return user.has_role(ADMIN)
