"""Fixtures for the JSON API: a small world of users, tokens and applications."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.operations import grant_role
from app.api.tokens import issue_token
from app.applications.models import Disbursement
from app.extensions import db
from tests.support.programs import (
    act,
    attach_for_stage,
    new_applicant_with_pesantren,
    open_program,
    sanitren_draft,
)

ROLES = ("anonymous", "applicant", "village_operator", "reviewer", "approver", "finance",
         "auditor", "admin")
DESA = "36.03.01.2003"


_seq = itertools.count(1)


def quick_staff(role: str, agency: str | None = None, *, region_code: str | None = None) -> User:
    """A user holding ``role`` (granted by the accounts operation) who never logs in with a
    password: API tokens need none, and argon2 hashing would dominate the suite's time."""
    n = next(_seq)
    user = User(email=f"{role}{n}@api.contoh.id", full_name=f"{role.title()} {agency or ''} {n}",
                password_hash="!unusable")
    db.session.add(user)
    db.session.flush()
    grant_role(user, role, agency_code=agency, region_code=region_code)
    db.session.commit()
    return user


def issue(user, role: str, agency: str | None = None, **kwargs: Any) -> str:
    _, raw = issue_token(user, role, agency_code=agency, **kwargs)
    db.session.commit()
    return raw


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str | None] = field(default_factory=dict)
    organization: Any = None
    draft: Any = None
    draft_id: int = 0

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        return {**bearer(self.tokens.get(role)), **extra}


@pytest.fixture
def world(db_session, programs) -> World:
    """One SANITREN draft of a pesantren, and a token for every role that touches it."""
    return build_world()


def build_world() -> World:
    open_program("sanitren")
    applicant, organization = new_applicant_with_pesantren()
    users = {
        "applicant": applicant,
        "village_operator": quick_staff("village_operator", region_code=DESA),
        "reviewer": quick_staff("reviewer", "KEMENAG"),
        "approver": quick_staff("approver", "BAPPEDA"),
        "finance": quick_staff("finance", "BPKAD"),
        "auditor": quick_staff("auditor", "INSPEKTORAT"),
        "admin": quick_staff("admin"),
    }
    agencies = {"reviewer": "KEMENAG", "approver": "BAPPEDA", "finance": "BPKAD",
                "auditor": "INSPEKTORAT"}
    tokens = {role: issue(user, role, agencies.get(role)) for role, user in users.items()}
    tokens["anonymous"] = None
    draft = sanitren_draft(applicant, organization)
    return World(users=users, tokens=tokens, organization=organization, draft=draft,
                 draft_id=draft.id)


def submit(world: World):
    """The world's draft, submitted: waiting at Kemenag's administrative verification."""
    act(world.draft, "submit", world.users["applicant"])
    return world.draft


def to_agreement(world: World):
    """Submitted, verified, surveyed, recommended and approved: the applicant signs the
    agreement (and may still correct the bank account)."""
    application, users = submit(world), world.users
    bappeda = quick_staff("reviewer", "BAPPEDA")
    act(application, "verify", users["reviewer"])
    attach_for_stage(application, bappeda, types=("survey_photo",))
    act(application, "complete_survey", bappeda)
    act(application, "recommend", bappeda)
    act(application, "approve", users["approver"])
    return application


def to_first_tranche(world: World):
    """Past the agreement, signed and countersigned: the first tranche is pending at BPKAD."""
    application, users = to_agreement(world), world.users
    attach_for_stage(application, users["applicant"], stage="agreement")
    act(application, "sign", users["applicant"])
    act(application, "countersign", users["approver"])
    return application


def pending_disbursement(application) -> Disbursement:
    return db.session.scalar(sa.select(Disbursement).where(
        Disbursement.application_id == application.id, Disbursement.status == "pending")
        .order_by(Disbursement.tranche_no))
