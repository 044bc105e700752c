"""A small world for the security suite: every kind of actor and the objects they knock on.

Objects are built through the factories and the real workflow (tests/support): two SANITREN
applications submitted to Kemenag (one for the page and decision routes, one for the task
routes, so that a decision taken during the walk does not close the task walked later), two
still in draft (other pesantren of the same owner: the portal walk submits one, the API walk
the other), one approved up to the first tranche at BPKAD (it has a disbursement), a person,
a register import, a notification and a role assignment.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from app.accounts.models import RoleAssignment
from app.api.tokens import issue_token
from app.applications import operations as applications
from app.applications.models import Disbursement, StageTask
from app.extensions import db
from app.notifications.models import Notification
from app.registers.operations import import_register
from tests.conftest import csrf_from, post_form
from tests.security.routes import Actor
from tests.support.factories import PASSWORD, create_applicant, create_staff
from tests.support.programs import (
    act,
    attach_for_stage,
    make_person,
    make_pesantren,
    new_applicant_with_pesantren,
    open_program,
    sanitren_draft,
)

DESA = "36.03.01.2003"
_addresses = itertools.count(10)

#: actor name -> (role, agency) of a staff user; applicants and anonymous are built apart
STAFF = {
    "agency_staff": ("reviewer", "KEMENAG"),  # SANITREN's first review stage
    "agency_finance": ("finance", "BPKAD"),  # SANITREN's tranches
    "other_agency_staff": ("reviewer", "DISDIK"),
    "other_agency_finance": ("finance", "DISKOPUM"),
    "auditor": ("auditor", "INSPEKTORAT"),
    "admin": ("admin", None),
}


def browser(app):
    """A test client with its own client address (the login limit counts per address)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"127.0.{next(_addresses) % 250}.{next(_addresses) % 250}"
    return client


def logged_in(app, user, *, password: str = PASSWORD):
    client = browser(app)
    response = post_form(client, "/masuk", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def token_for(user, role: str, agency: str | None) -> str:
    _, raw = issue_token(user, role, agency_code=agency)
    db.session.commit()
    return raw


@dataclass
class World:
    user_ids: dict[str, int] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def users(self) -> dict[str, Any]:
        """The users again, from the current session (each request ends the one they came in)."""
        from app.accounts.models import User

        return {name: db.session.get(User, uid) for name, uid in self.user_ids.items()}

    def actors(self, app) -> list[Actor]:
        result = []
        for name in self.user_ids:
            if name in ("village_operator", "bappeda", "head"):
                continue
            client = logged_in(app, self.users[name])
            role, agency = STAFF.get(name, ("applicant", None))
            result.append(Actor(name, client, csrf_from(client, "/"),
                                token_for(self.users[name], role, agency)))
        anonymous = browser(app)
        result.append(Actor("anonymous", anonymous, csrf_from(anonymous, "/masuk")))
        return result


def approved_to_first_tranche(owner, org, users) -> Any:
    application = sanitren_draft(owner, org)
    act(application, "submit", owner)
    act(application, "verify", users["agency_staff"])
    attach_for_stage(application, users["bappeda"], types=("survey_photo",))
    act(application, "complete_survey", users["bappeda"])
    act(application, "recommend", users["bappeda"])
    act(application, "approve", users["head"])
    attach_for_stage(application, owner, stage="agreement")
    act(application, "sign", owner)
    act(application, "countersign", users["head"])
    return application


def build_world() -> World:
    open_program("sanitren")
    owner, org = new_applicant_with_pesantren()
    users: dict[str, Any] = {"owner": owner, "other_applicant": create_applicant(name="Lain")}
    make_pesantren(users["other_applicant"])
    for name, (role, agency) in STAFF.items():
        users[name] = create_staff(role, agency)
    users["bappeda"] = create_staff("reviewer", "BAPPEDA")
    users["head"] = create_staff("approver", "BAPPEDA")
    users["village_operator"] = create_staff("village_operator", region_code=DESA)

    submitted = sanitren_draft(owner, org)
    act(submitted, "submit", owner)
    queued = sanitren_draft(owner, make_pesantren(owner))
    act(queued, "submit", owner)
    draft = sanitren_draft(owner, make_pesantren(owner))
    api_draft = sanitren_draft(owner, make_pesantren(owner))
    approved = approved_to_first_tranche(owner, make_pesantren(owner), users)
    common = common_values(owner, users)
    world = World(user_ids={name: user.id for name, user in users.items()},
                  objects={"submitted": submitted, "queued": queued, "draft": draft,
                           "approved": approved, "organization": org})
    world.values = {
        "submitted": {**common, **application_values(submitted)},
        "queued": {**common, **application_values(queued)},
        "draft": {**common, **application_values(draft)},
        "api_draft": {**common, **application_values(api_draft)},
        "approved": {**common, **application_values(approved)},
        "owner": {**common, "org_id": org.id},
    }
    return world


def application_values(application) -> dict[str, Any]:
    task = db.session.scalar(sa.select(StageTask).where(
        StageTask.application_id == application.id, StageTask.completed_dt.is_(None)))
    disbursement = db.session.scalar(sa.select(Disbursement).where(
        Disbursement.application_id == application.id))
    return {
        "application_id": application.id, "document_id": application.documents[0].id,
        "task_id": task.id if task else 0,
        "disbursement_id": disbursement.id if disbursement else 0,
        "action": {"admin_verification": "verify", "tranche_1": "pay"}.get(application.stage,
                                                                          "submit"),
    }


def common_values(owner, users) -> dict[str, Any]:
    person = make_person(name="Siti Aminah")
    imported, _ = import_register("pesantren", "kemenag.csv",
                                  b"nspp,nama\n510036031234,Pondok Uji\n", actor=users["admin"])
    throwaway = create_staff("reviewer", "KESRA")
    assignment = db.session.scalar(sa.select(RoleAssignment).where(
        RoleAssignment.user_id == throwaway.id))
    notification = db.session.scalar(sa.select(Notification).where(
        Notification.recipient_user_id == owner.id))
    db.session.commit()
    return {
        "person_id": person.id, "import_id": imported.id, "user_id": throwaway.id,
        "assignment_id": assignment.id, "notification_id": notification.id if notification else 0,
        "key": "sanitren", "agreement_key": "nphd", "program_key": "sanitren", "year": 2026,
        "register": "pesantren",
        "token": "x" * 20,
    }


@pytest.fixture
def world(db_session, programs) -> World:
    return build_world()


@pytest.fixture
def applicant_draft(db_session, programs):
    """An applicant with a SANITREN draft of their own pesantren."""
    open_program("sanitren")
    owner, org = new_applicant_with_pesantren()
    application = applications.create_draft("sanitren", owner=owner, organization=org)
    db.session.commit()
    return owner, application


@pytest.fixture
def production_app(template_url, backend, monkeypatch):
    """The app as ``SIBANTU_PROFILE=production`` configures it (every required variable set),
    on a fresh database cloned from the migrated template."""
    from tests.conftest import TEST_KEYS, committing_app_context

    monkeypatch.setenv("SIBANTU_PROFILE", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://unused@127.0.0.1/unused")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    with committing_app_context(template_url, backend) as production:
        assert production.config["PROFILE"] == "production"
        assert production.config["SESSION_COOKIE_SECURE"] is True
        yield production
