"""Who may see and change an organization or a person's data."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.roles import ADMIN, AUDITOR
from app.extensions import db
from app.organizations.models import Membership, Organization


def is_member(user: User, organization: Organization | int | None) -> bool:
    if organization is None or not user.is_authenticated:
        return False
    org_id = organization if isinstance(organization, int) else organization.id
    return (
        db.session.scalar(
            sa.select(Membership.id).where(
                Membership.user_id == user.id, Membership.organization_id == org_id
            )
        )
        is not None
    )


def can_view_organization(user: User, organization: Organization) -> bool:
    """Members see their organization; staff see it through its applications (checked there)."""
    return is_member(user, organization) or user.has_role(ADMIN) or user.has_role(AUDITOR)


def can_edit_organization(user: User, organization: Organization) -> bool:
    return is_member(user, organization)

