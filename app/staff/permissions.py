"""Who may use the staff workspace, the auditor's tools and the administration pages.

Every staff, audit and admin view is wrapped in ``for_roles(...)``: anonymous visitors go to the
login page, users holding none of the roles get 404, and the view carries its ``audience`` so the
authorization test can walk the URL map and check every route against every role.
Object-level checks (agency scoping) are the ``can_*`` functions below, called by the views.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_login import current_user, login_required

from app.accounts.models import User
from app.accounts.roles import ADMIN, APPROVER, AUDITOR, FINANCE, REVIEWER
from app.applications import permissions as application_permissions
from app.applications.models import Application, Document, StageTask
from app.applications.permissions import (  # noqa: F401  (NIK policy re-exported for views)
    can_reveal_nik,
    is_agency_staff_of,
    is_applicant_of,
    reveal_needs_reason,
)
from app.common.web import require

WORK_ROLES = (REVIEWER, APPROVER, FINANCE)
READ_ROLES = (*WORK_ROLES, AUDITOR, ADMIN)
AUDIT_ROLES = (AUDITOR, ADMIN)


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


def work_scopes(user: User) -> list[tuple[int, str]]:
    """(agency id, role) pairs whose open tasks this user works on, in a stable order."""
    pairs = {(r.agency_id, r.role) for r in user.roles if r.role in WORK_ROLES and r.agency_id}
    return sorted(pairs)


def can_use_queue(user: User) -> bool:
    return bool(work_scopes(user))


def can_view_case(user: User, application: Application) -> bool:
    """Staff of an agency taking part in the program, auditors and admins; never the applicant."""
    if not user.is_authenticated or is_applicant_of(user, application):
        return False
    return user.has_role(AUDITOR) or user.has_role(ADMIN) or is_agency_staff_of(user, application)


def can_work_task(user: User, task: StageTask | None) -> bool:
    """The user holds the task's role at the task's agency (and it is still open)."""
    if task is None or task.completed_dt is not None or task.agency_id is None:
        return False
    return (task.agency_id, task.role) in work_scopes(user)


def can_view_document(user: User, document: Document) -> bool:
    """The portal's document check, narrowed to the staff page's audience."""
    return can_view_case(user, document.application) and (
        application_permissions.can_view_document(user, document)
    )


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
