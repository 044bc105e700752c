"""Who may see and act on an application. Used by the web views and the API alike.

Agency scoping: staff see an application only when their agency takes part in its program;
auditors see everything and change nothing; applicants see only their own (others → 404).
"""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.roles import ADMIN, APPROVER, AUDITOR, FINANCE, REVIEWER, VILLAGE_OPERATOR
from app.applications.models import Application
from app.organizations.permissions import is_member
from app.programs.registry import registry

STAFF_READ_ROLES = (REVIEWER, APPROVER, FINANCE)


def is_applicant_of(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if application.owner_user_id == user.id:
        return True
    return application.organization_id is not None and is_member(user, application.organization_id)


def program_agencies(application: Application) -> set[str]:
    defn = registry().pinned(application.program_key, application.definition_version)
    return set(defn.agencies) | {s.agency for s in defn.stages if s.agency}


def is_agency_staff_of(user: User, application: Application) -> bool:
    return bool(user.agency_codes(*STAFF_READ_ROLES) & program_agencies(application))


def can_view_application(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if is_applicant_of(user, application) or user.has_role(AUDITOR) or user.has_role(ADMIN):
        return True
    if user.has_role(VILLAGE_OPERATOR) and application.nominated_by_user_id == user.id:
        return True
    return is_agency_staff_of(user, application)


def can_edit_application(user: User, application: Application) -> bool:
    """The applicant edits only while the current stage lets them (draft, revision)."""
    if not is_applicant_of(user, application) or application.is_closed:
        return False
    defn = registry().pinned(application.program_key, application.definition_version)
    stage = defn.stage(application.stage)
    return "edit" in stage.applicant_may


def can_view_document(user: User, document) -> bool:
    """Whoever may see the application may download its documents (staff reads are audited)."""
    return can_view_application(user, document.application)
