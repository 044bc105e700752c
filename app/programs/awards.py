"""Awards as dated facts: written when an application is approved (its budget reserved),
revoked when that reservation is released, imported from registers of earlier aid.

Repeat limits (``once_per`` with scope ``awarded``) and the ``history.*`` facts read them.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.applications.models import Application
from app.applications.parties import identifiers_of
from app.common.i18n import jakarta_today
from app.db import utcnow
from app.extensions import db
from app.programs.models import AWARD_IDENTIFIER_KINDS, Award, AwardIdentifier
from app.programs.registry import registry
from workflows import ProgramDefinition
from workflows.model import OncePer


def record(application: Application, parties=None) -> Award:
    """The award of an approved application, dated today (Asia/Jakarta), with its identifiers."""
    award = Award(
        program_key=application.program_key,
        awarded_on=jakarta_today(),
        source="application",
        application_id=application.id,
        organization_id=application.organization_id,
        person_id=application.person_id,
    )
    db.session.add(award)
    db.session.flush()
    identifiers = identifiers_of(application, parties)
    for kind in AWARD_IDENTIFIER_KINDS:
        if identifiers.get(kind):
            db.session.add(AwardIdentifier(award_id=award.id, kind=kind,
                                           value_bidx=identifiers[kind]))
    return award


def revoke(application: Application) -> None:
    """The approval was undone (reservation released): the award no longer counts."""
    db.session.execute(
        sa.update(Award)
        .where(Award.application_id == application.id, Award.revoked_dt.is_(None))
        .values(revoked_dt=utcnow())
    )


def programs_of_group(group: str) -> frozenset[str]:
    return frozenset(d.key for d in registry().current_definitions() if group in d.groups)


def _years_back(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def latest_award(defn: ProgramDefinition, policy: OncePer, value: str, *, today: date,
                 besides: int | None) -> Award | None:
    """The newest live award the limit counts for this identifier value, if any."""
    if policy.group:
        program = sa.or_(Award.program_key.in_(sorted(programs_of_group(policy.group))),
                         Award.program_group == policy.group)
    else:
        program = Award.program_key == defn.key
    query = (
        sa.select(Award)
        .join(AwardIdentifier, AwardIdentifier.award_id == Award.id)
        .where(AwardIdentifier.kind == policy.identifier, AwardIdentifier.value_bidx == value,
               Award.revoked_dt.is_(None), program)
        .order_by(Award.awarded_on.desc(), Award.id.desc())
        .limit(1)
    )
    if besides is not None:
        query = query.where(sa.or_(Award.application_id.is_(None), Award.application_id != besides))
    if policy.within_years:
        query = query.where(Award.awarded_on > _years_back(today, policy.within_years))
    return db.session.scalar(query)


_GRANTS_OF_ORGANIZATION = (
    sa.select(Award.program_key, sa.func.count())
    .where(Award.organization_id == sa.bindparam("party"), Award.revoked_dt.is_(None),
           sa.or_(Award.application_id.is_(None),
                  Award.application_id != sa.bindparam("application_id")))
    .group_by(Award.program_key)
)
_GRANTS_OF_PERSON = (
    sa.select(Award.program_key, sa.func.count())
    .where(Award.person_id == sa.bindparam("party"), Award.revoked_dt.is_(None),
           sa.or_(Award.application_id.is_(None),
                  Award.application_id != sa.bindparam("application_id")))
    .group_by(Award.program_key)
)


def grants_by_program(application: Application) -> dict[str, int]:
    """How many live awards the same party has had, per program (``history.<key>_grants``)."""
    if application.organization_id:
        query, party = _GRANTS_OF_ORGANIZATION, application.organization_id
    else:
        query, party = _GRANTS_OF_PERSON, application.person_id
    rows = db.session.execute(query, {"party": party, "application_id": application.id or 0})
    return dict(rows.tuples().all())
