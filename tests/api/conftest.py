"""Fixtures for the JSON API: a small world of users, tokens and applications."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from app.api.tokens import issue_token
from app.extensions import db
from tests.support.factories import create_staff
from tests.support.programs import (
    make_person,
    new_applicant_with_pesantren,
    open_program,
    sanitren_draft,
)

ROLES = ("anonymous", "applicant", "village_operator", "reviewer", "approver", "finance",
         "auditor", "admin")
DESA = "36.03.01.2003"


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
        "village_operator": create_staff("village_operator", region_code=DESA),
        "reviewer": create_staff("reviewer", "KEMENAG"),
        "approver": create_staff("approver", "BAPPEDA"),
        "finance": create_staff("finance", "BPKAD"),
        "auditor": create_staff("auditor", "INSPEKTORAT"),
        "admin": create_staff("admin"),
    }
    agencies = {"reviewer": "KEMENAG", "approver": "BAPPEDA", "finance": "BPKAD",
                "auditor": "INSPEKTORAT"}
    tokens = {role: issue(user, role, agencies.get(role)) for role, user in users.items()}
    tokens["anonymous"] = None
    draft = sanitren_draft(applicant, organization)
    return World(users=users, tokens=tokens, organization=organization, draft=draft,
                 draft_id=draft.id)


@pytest.fixture
def resident(world):
    """A person in the village operator's desa (for nominations)."""
    return make_person(name="Ustadz Ahmad", desa_code=DESA, teacher=True)
