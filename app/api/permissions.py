"""Role gates of the API that have no web counterpart, and re-exports of those that do.

Object-level decisions (may this user see, edit, act on this application) are NOT made here:
the API calls the portal's, the staff workspace's and the domain's permission functions exactly
as their web views do. What is here: who may be issued a token, the audit export's gate (the
auditor only, as issue #8 asks; the web's audit pages also admit administrators), and the
upload rule composed from the portal's and the workspace's rules.
"""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.roles import AGENCY_ROLES, AUDITOR
from app.applications.models import Application
from app.portal.permissions import can_act_as_applicant
from app.portal.queries import uploadable_documents
from app.staff.permissions import can_administer, can_use_finance, can_use_queue, can_work_task
from app.staff.queue import open_task

__all__ = [
    "can_administer", "can_issue_token", "can_read_audit_trail", "can_upload_document",
    "can_use_finance", "can_use_queue",
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


def can_upload_document(user: User, application: Application, definition, doc_type: str) -> bool:
    """The applicant uploads what the portal offers at this stage; agency staff upload their
    agency's documents (e.g. survey photos) on a task they may work on."""
    requirement = definition.document(doc_type)
    if requirement is None or application.is_closed:
        return False
    if requirement.uploaded_by == "agency":
        return can_work_task(user, open_task(application))
    return can_act_as_applicant(user, application) and any(
        d.type == doc_type for d in uploadable_documents(definition, application)
    )
