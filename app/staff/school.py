"""The school operator's worklist: applications naming their school that wait at a stage the
school works (a pupil's enrolment and achievement confirmed before the agency verifies).

A stage a definition gives to ``school_operator`` (with no agency) opens a task without an
agency; the list is those open tasks of the user's schools, the same rule as ``can_work_task``
(``permissions.school_task_clause``), so a new program with a school stage needs no Python here
and an application pinned to an older definition is listed like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.models import User
from app.applications.models import Application, StageTask
from app.applications.permissions import school_task_clause
from app.extensions import db

#: the most a school's list shows at once (a school confirms tens of pupils a year)
LIMIT = 200


@dataclass(frozen=True)
class Waiting:
    application: Application
    task: StageTask


def waiting_for(user: User) -> list[Waiting]:
    """The open tasks of the user's schools, oldest deadline first, with their applications."""
    rows = db.session.execute(
        sa.select(Application, StageTask)
        .join(StageTask, StageTask.application_id == Application.id)
        .where(school_task_clause(user))
        .order_by(StageTask.due_dt, Application.id)
        .limit(LIMIT)
    ).all()
    return [Waiting(application, task) for application, task in rows]
