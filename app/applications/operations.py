"""Application state changes. They flush, audit and write outbox rows, but never commit."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.applications.models import Application
from app.applications.parties import kind_of
from app.applications.permissions import can_edit_application
from app.audit.operations import record
from app.common.errors import Refusal
from app.common.i18n import JAKARTA, jakarta_today
from app.db import utcnow
from app.extensions import db
from app.organizations.models import Organization, Person
from app.programs.registry import registry


class ApplicationError(Refusal):
    """A refused application operation; the message is translated when read (``Refusal``)."""


#: a program whose definition says ``nomination: {self_application: false}``
SELF_APPLICATION_REFUSED = _l(
    "Program ini hanya menerima usulan dari operator; warga tidak dapat mengajukan sendiri. "
    "Hubungi operator desa/kelurahan atau sekolah Anda.")


def fiscal_year_of(moment: datetime) -> int:
    return moment.astimezone(JAKARTA).year


def school_year_of(definition, today) -> str | None:
    start = definition.fiscal_year.school_year_start_month
    if not start:
        return None
    first = today.year if today.month >= start else today.year - 1
    return f"{first}/{first + 1}"


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
        raise ApplicationError(_l("Program tidak ditemukan."))
    if nominated_by is None and definition.refuses_self_application():
        raise ApplicationError(SELF_APPLICATION_REFUSED)
    party = organization or person
    if party is None:
        raise ApplicationError(_l("Pilih lembaga atau orang yang mengajukan."))
    kind = kind_of(organization)
    if kind not in definition.applicant_kinds:
        raise ApplicationError(
            _l("Jenis pemohon ini tidak dapat mengajukan ke program tersebut."))
    desa = party.desa_code
    today = jakarta_today()
    fiscal_year = definition.budget_year(window_opens=definition.window.opens, submitted_on=today)
    application = Application(
        number=f"DRAFT-{utcnow().timestamp()}-{owner.id}",
        program_key=definition.key,
        definition_version=definition.version,
        fiscal_year=fiscal_year or today.year,
        school_year=school_year_of(definition, today),
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
        "application.created",
        actor=owner,
        actor_role="applicant",
        program_key=definition.key,
        object_type="application",
        object_id=application.id,
        object_version=application.version,
        summary={"number": application.number, "stage": application.stage},
    )
    return application


_APPLICATIONS = Application.__table__
#: built once (its cache key is computed once); the SET clause is the columns given to execute,
#: a plain UPDATE rather than a unit-of-work flush of the object the caller already holds. Only
#: while the row holds the version and stage the caller read: a save racing a submit (which
#: moves the stage and bumps the version) changes nothing after the submit froze the answers.
_UPDATE_ANSWERS = (
    sa.update(_APPLICATIONS)
    .where(_APPLICATIONS.c.id == sa.bindparam("application_id"),
           _APPLICATIONS.c.version == sa.bindparam("seen_version"),
           _APPLICATIONS.c.stage == sa.bindparam("seen_stage"))
    .returning(_APPLICATIONS.c.id)
)
ANSWERS_CHANGED_MEANWHILE = _l(
    "Permohonan ini baru saja berubah (misalnya sudah dikirim atau diproses). Isian Anda belum "
    "tersimpan; buka lagi permohonan untuk melihat keadaannya.")


def update_answers(
    application: Application, user: User, answers: dict, *, amount_requested: int | None = None
) -> Application:
    """Save the applicant's form answers (a draft survives logout); only where the stage allows."""
    if not can_edit_application(user, application):
        raise ApplicationError(_l("Permohonan tidak dapat diubah pada tahap ini."))
    values = {"answers": {**(application.answers or {}), **answers}, "updated_dt": utcnow()}
    if amount_requested is not None:
        values["amount_requested"] = amount_requested
    saved = db.session.execute(_UPDATE_ANSWERS, {
        "application_id": application.id, "seen_version": application.version,
        "seen_stage": application.stage, **values}).first()
    if saved is None:
        raise ApplicationError(ANSWERS_CHANGED_MEANWHILE)
    for name, value in values.items():  # what the row now holds, without reading it back
        set_committed_value(application, name, value)
    record(
        "application.answers_saved",
        actor=user,
        actor_role="applicant",
        program_key=application.program_key,
        object_type="application",
        object_id=application.id,
        object_version=application.version,
        summary={"fields": sorted(answers)},
    )
    return application
