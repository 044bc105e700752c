"""The school operator's worklist: applications naming their school that wait at a stage the
school works (a pupil's enrolment and achievement confirmed before the agency verifies).

Which stages those are is read from the program definitions (``role: school_operator``), so a
new program with a school stage needs no Python here.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.roles import SCHOOL_OPERATOR
from app.applications.models import Application, StageTask
from app.applications.permissions import operator_schools
from app.extensions import db
from app.programs.registry import registry

#: the most a school's list shows at once (a school confirms tens of pupils a year)
LIMIT = 200


@dataclass(frozen=True)
class Waiting:
    application: Application
    task: StageTask | None


def school_stages() -> dict[str, set[str]]:
    """Program key → the stages its current definition gives to school operators."""
    stages: dict[str, set[str]] = {}
    for defn in registry().current_definitions():
        keys = {s.key for s in defn.stages if s.role == SCHOOL_OPERATOR}
        if keys:
            stages[defn.key] = keys
    return stages


def waiting_for(user: User) -> list[Waiting]:
    """The applications of the user's schools at a school stage, oldest deadline first (the
    schools ``operates_school_of`` lets them confirm for)."""
    schools = sorted(operator_schools(user))
    stages = school_stages()
    if not schools or not stages:
        return []
    at_school_stage = sa.or_(*(
        sa.and_(Application.program_key == key, Application.stage.in_(sorted(keys)))
        for key, keys in sorted(stages.items())))
    rows = db.session.execute(
        sa.select(Application, StageTask)
        .outerjoin(StageTask, sa.and_(StageTask.application_id == Application.id,
                                      StageTask.completed_dt.is_(None)))
        .where(at_school_stage, Application.answers["school_npsn"].as_string().in_(schools))
        .order_by(StageTask.due_dt.asc().nulls_last(), Application.id)
        .limit(LIMIT)
    ).all()
    return [Waiting(application, task) for application, task in rows]
