"""Reads about one application that every interface asks: its party, open task, documents due."""

from __future__ import annotations

import sqlalchemy as sa

from app.applications.models import Application, Decision, StageTask
from app.applications.parties import kind_of
from app.extensions import db
from app.organizations.models import Organization, Person
from workflows import ProgramDefinition

#: built once: ``Session.get`` builds and annotates a new statement on every call
_APPLICATION_BY_ID = sa.select(Application).where(Application.id == sa.bindparam("application_id"))


def application_by_id(application_id: int) -> Application | None:
    return db.session.scalar(_APPLICATION_BY_ID, {"application_id": application_id})


def party_of(application: Application) -> Organization | Person:
    if application.organization_id:
        return db.session.get(Organization, application.organization_id)
    return db.session.get(Person, application.person_id)


def applicant_kind(application: Application) -> str:
    party = party_of(application)
    return kind_of(party if isinstance(party, Organization) else None)


def repeated_decision(user_id: int, application: Application, seen_version: int | None,
                      action: str | None = None) -> Decision | None:
    """The decision a second tap repeats: the form was made at an older version, and the move
    since then was this user's own (with ``action``, when given). None for anything else,
    which the engine then refuses as stale or handled by someone else."""
    if seen_version is None or seen_version == application.version:
        return None
    last = max(application.decisions, key=lambda d: d.id, default=None)
    if last is None or last.actor_user_id != user_id or (action and last.action != action):
        return None
    return last


def open_task(application: Application) -> StageTask | None:
    return db.session.scalar(
        sa.select(StageTask).where(
            StageTask.application_id == application.id, StageTask.completed_dt.is_(None)
        )
    )


def proposal_documents(defn: ProgramDefinition, kind: str | None = None) -> list:
    """Documents due with the proposal (applicant's own), for this kind of applicant."""
    return [d for d in defn.documents
            if d.stage in (None, defn.initial_stage) and d.uploaded_by == "applicant"
            and (kind is None or d.applies_to(kind))]


def uploadable_documents(defn: ProgramDefinition, application: Application) -> list:
    """What the applicant may upload now: the proposal set at edit stages, else this stage's.

    At a report revision, the documents of the stage that leads to the returning one.
    """
    stage = defn.stage(application.stage)
    if "upload" not in stage.applicant_may or application.is_closed:
        return []
    kind = applicant_kind(application)
    if "edit" in stage.applicant_may:
        return proposal_documents(defn, kind)
    stages = {stage.key}
    if application.returned_from:
        stages |= {t.from_stage for t in defn.transitions if t.to == application.returned_from}
    return [d for d in defn.documents if d.stage in stages and d.uploaded_by == "applicant"
            and d.applies_to(kind)]
