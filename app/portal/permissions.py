"""Who may do what in the applicant portal. Another's object → 404 (see ``require``)."""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.roles import VILLAGE_OPERATOR
from app.applications.models import Application
from app.applications.permissions import can_edit_application, is_applicant_of
from app.organizations.models import Organization, Person
from app.organizations.permissions import is_member


def can_apply_as(user: User, party: Organization | Person | None) -> bool:
    """A member applies for their organization; a person applies for themself."""
    if party is None or not user.is_authenticated:
        return False
    if isinstance(party, Organization):
        return is_member(user, party)
    return user.person_id == party.id


def can_follow_application(user: User, application: Application) -> bool:
    """The applicant's side of an application: its owner, members, or the nominating operator."""
    if not user.is_authenticated:
        return False
    return is_applicant_of(user, application) or application.nominated_by_user_id == user.id


def can_fill_application(user: User, application: Application) -> bool:
    return can_edit_application(user, application)


def can_act_as_applicant(user: User, application: Application) -> bool:
    return is_applicant_of(user, application) and not application.is_closed


def operator_desa(user: User) -> str | None:
    """The desa a village operator nominates for (None for everyone else)."""
    if not user.is_authenticated:
        return None
    return next((r.region_code for r in user.roles
                 if r.role == VILLAGE_OPERATOR and r.region_code), None)


def can_nominate(user: User) -> bool:
    return operator_desa(user) is not None
