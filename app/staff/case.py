"""What the staff application page shows, gathered in one place (read-only queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import g

from app.accounts.models import RoleAssignment, User
from app.agencies.models import Agency
from app.applications import workflow
from app.applications.grounds import DecisionGrounds, decision_grounds
from app.applications.models import Application, Decision, Disbursement, DuplicateFlag, StageTask
from app.applications.parties import current_bank_account
from app.applications.permissions import can_work_task, work_scopes
from app.applications.queries import open_task
from app.common.identifiers import mask_nik
from app.extensions import db
from app.organizations.models import Organization, Person
from app.staff.permissions import can_assign
from forms.staff import ActionForm, action_form


@dataclass
class Case:
    application: Application
    definition: Any
    task: StageTask | None
    claimer: User | None
    organization: Organization | None
    person: Person | None
    masked_nik: str | None
    bank: Any
    documents: list[Any]
    old_documents: list[Any]
    flags: list[tuple[DuplicateFlag, Application | None]]
    decisions: list[tuple[Decision, User | None, str | None]]
    disbursements: list[Disbursement]
    forms: dict[str, ActionForm] = field(default_factory=dict)
    may_work: bool = False
    may_assign: bool = False
    colleagues: list[User] = field(default_factory=list)
    grounds: list[DecisionGrounds] = field(default_factory=list)

    @property
    def eligibility(self) -> list[dict]:
        return list((self.application.eligibility or {}).get("results") or [])

    mine: bool = False

    @property
    def held_by_other(self) -> bool:
        return self.claimer is not None and not self.mine

    def stage_name(self, key: str) -> Any:
        return self.definition.stage(key).name if self.definition.has_stage(key) else key


def _decisions(application: Application) -> list[tuple[Decision, User | None, str | None]]:
    rows = db.session.execute(
        sa.select(Decision, User, Agency.code)
        .join(User, User.id == Decision.actor_user_id)
        .outerjoin(Agency, Agency.id == Decision.agency_id)
        .where(Decision.application_id == application.id)
        .order_by(Decision.id)
    ).all()
    return [(d, u, code) for d, u, code in rows]


def _flags(application: Application) -> list[tuple[DuplicateFlag, Application | None]]:
    flags = db.session.scalars(
        sa.select(DuplicateFlag)
        .where(DuplicateFlag.application_id == application.id)
        .order_by(DuplicateFlag.id)
    ).all()
    return [(f, db.session.get(Application, f.other_application_id)) for f in flags]


def action_forms(
    user: User, application: Application, task: StageTask | None
) -> dict[str, ActionForm]:
    if not can_work_task(user, task):
        return {}
    defn = workflow.definition_of(application)
    documents = {d.type: d for d in defn.documents}
    return {
        t.action: action_form(t, documents, seen_version=application.version)
        for t in workflow.available_actions(user, application)
    }


def colleagues(task: StageTask) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                RoleAssignment.agency_id == task.agency_id,
                RoleAssignment.role == task.role,
                User.is_active.is_(True),
            )
            .order_by(User.full_name)
        ).unique()
    )


def load_case(
    user: User, application: Application, forms: dict[str, ActionForm] | None = None
) -> Case:
    task = open_task(application)
    person = db.session.get(Person, application.person_id) if application.person_id else None
    org = (
        db.session.get(Organization, application.organization_id)
        if application.organization_id
        else None
    )
    nik = person.reveal_nik() if person is not None and person.nik_encrypted else None
    claimer = (
        db.session.get(User, task.claimed_by_user_id) if task and task.claimed_by_user_id else None
    )
    mine = task is not None and task.claimed_by_user_id in (None, user.id)
    all_forms = action_forms(user, application, task) if mine else {}
    all_forms.update(forms or {})
    current = application.current_documents()
    case = Case(
        application=application,
        definition=workflow.definition_of(application),
        task=task,
        claimer=claimer,
        organization=org,
        person=person,
        masked_nik=mask_nik(nik) if nik else None,
        bank=current_bank_account(application),
        documents=current,
        old_documents=[d for d in application.documents if not d.is_current],
        flags=_flags(application),
        decisions=_decisions(application),
        disbursements=list(
            db.session.scalars(
                sa.select(Disbursement)
                .where(Disbursement.application_id == application.id)
                .order_by(Disbursement.tranche_no, Disbursement.attempt)
            )
        ),
        forms=all_forms,
        may_work=can_work_task(user, task),
    )
    case.mine = mine
    case.grounds = decision_grounds(case.definition, application, g.get("lang") or "id")
    case.may_assign = can_assign(user, task)
    if case.may_assign and task is not None:
        case.colleagues = colleagues(task)
    return case


def work_agency_ids(user: User) -> set[int]:
    return {agency for agency, _ in work_scopes(user)}
