"""Application state changes. They flush, audit and write outbox rows, but never commit."""

from __future__ import annotations

from datetime import datetime

from app.accounts.models import User
from app.applications.models import Application
from app.audit.operations import record
from app.common.i18n import JAKARTA
from app.db import utcnow
from app.extensions import db
from app.organizations.models import Organization, Person
from app.programs.registry import registry


class ApplicationError(Exception):
    """A refused application operation, with a user-facing Indonesian message."""


def fiscal_year_of(moment: datetime) -> int:
    return moment.astimezone(JAKARTA).year


def create_draft(
    program_key: str,
    *,
    owner: User,
    organization: Organization | None = None,
    person: Person | None = None,
    nominated_by: User | None = None,
) -> Application:
    definition = registry().current(program_key)
    if definition is None:
        raise ApplicationError("Program tidak ditemukan.")
    party = organization or person
    if party is None:
        raise ApplicationError("Pilih lembaga atau orang yang mengajukan.")
    kind = organization.kind if organization else "perorangan"
    if kind not in definition.applicant_kinds:
        raise ApplicationError("Jenis pemohon ini tidak dapat mengajukan ke program tersebut.")
    desa = party.desa_code
    application = Application(
        number=f"DRAFT-{utcnow().timestamp()}-{owner.id}",
        program_key=definition.key,
        definition_version=definition.version,
        fiscal_year=fiscal_year_of(utcnow()),
        stage=definition.initial_stage,
        organization_id=organization.id if organization else None,
        person_id=person.id if person else None,
        owner_user_id=owner.id,
        nominated_by_user_id=nominated_by.id if nominated_by else None,
        desa_code=desa,
        kecamatan_code=desa[:8] if desa else None,
        applicant_name=party.name if organization else party.full_name,
    )
    db.session.add(application)
    db.session.flush()
    application.number = f"{definition.key.upper()}-{application.fiscal_year}-{application.id:06d}"
    record(
        "application.created", actor=owner, actor_role="applicant", program_key=definition.key,
        object_type="application", object_id=application.id, object_version=application.version,
        summary={"number": application.number, "stage": application.stage},
    )
    return application
