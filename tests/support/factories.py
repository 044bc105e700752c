"""Factories that build objects through the real operations (no shortcuts around the rules)."""

from __future__ import annotations

import itertools

from app.accounts import operations as accounts
from app.accounts.models import User
from app.extensions import db

PASSWORD = "Rahasia-Kuat-2026"
_seq = itertools.count(1)


def create_applicant(email: str | None = None, *, name: str = "Pemohon Uji") -> User:
    n = next(_seq)
    user = accounts.register_applicant(
        full_name=name,
        email=email or f"pemohon{n}@contoh.id",
        phone=f"0812{n:08d}"[:13],
        password=PASSWORD,
    )
    db.session.commit()
    return user


def create_staff(
    role: str,
    agency: str | None = None,
    *,
    email: str | None = None,
    region_code: str | None = None,
) -> User:
    n = next(_seq)
    user = accounts.create_staff_user(
        email=email or f"{role}{n}@{(agency or 'pemda').lower()}.contoh.id",
        full_name=f"{role.title()} {agency or ''} {n}".strip(),
        password=PASSWORD,
        role=role,
        agency_code=agency,
        region_code=region_code,
    )
    db.session.commit()
    return user


def create_draft(program_key: str, *, owner: User, organization=None, person=None):
    """A draft application through the applications operations."""
    from app.applications import operations as applications

    application = applications.create_draft(
        program_key, owner=owner, organization=organization, person=person
    )
    db.session.commit()
    return application
