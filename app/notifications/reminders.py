"""Periodic reminders: SLA-overdue tasks, revision deadlines, report (LPJ) due dates, digests.

Run by Celery beat (the one holding the beat lock) or by the embedded relay thread. Every
reminder is sent once per due event: the ``*_dt`` marker is set in the same transaction as the
outbox rows, rows are locked with ``SKIP LOCKED`` so two sweeps never pick the same one, and the
event key would drop a duplicate anyway. Each sweep commits its own work (it is a task, not a
request).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.accounts.models import RoleAssignment, User
from app.accounts.roles import APPROVER, FINANCE, REVIEWER, SCHOOL_OPERATOR
from app.agencies.operations import agency_by_code
from app.applications.models import Application, Report, StageTask
from app.applications.permissions import school_task_clause
from app.applications.workflow import definition_of
from app.common.i18n import JAKARTA
from app.db import utcnow
from app.extensions import db
from app.notifications import events
from app.notifications.settings import setting
from app.programs.registry import registry

BATCH = 500
OPEN_REPORT = ("due", "returned")
DIGEST_ROLES = (REVIEWER, APPROVER, FINANCE, SCHOOL_OPERATOR)


def _today(now: datetime) -> date:
    return now.astimezone(JAKARTA).date()


def _locked(query: sa.Select, model: type) -> list[Any]:
    return list(db.session.scalars(query.limit(BATCH).with_for_update(skip_locked=True, of=model)))


def _open_tasks() -> sa.Select:
    return sa.select(StageTask).where(StageTask.completed_dt.is_(None)).order_by(StageTask.id)


def remind_overdue_tasks(now: datetime) -> int:
    tasks = _locked(_open_tasks().where(StageTask.due_dt < now, StageTask.reminded_dt.is_(None)),
                    StageTask)
    for task in tasks:
        events.task_overdue(task, events.task_assignees(task))
        task.reminded_dt = now
    db.session.commit()
    return len(tasks)


def escalate_overdue_tasks(now: datetime) -> int:
    late = now - timedelta(hours=setting("NOTIFY_ESCALATE_AFTER_HOURS"))
    tasks = _locked(_open_tasks().where(StageTask.due_dt < late, StageTask.escalated_dt.is_(None)),
                    StageTask)
    for task in tasks:
        events.overdue_escalation(task, _heads_over(task))
        task.escalated_dt = now
    db.session.commit()
    return len(tasks)


def _heads_over(task: StageTask) -> list:
    """Who an overdue task goes up to: the heads (approvers) of its agency. A school's task has
    no agency: it goes to the heads of the agency waiting for the school, the one of the first
    stage its transitions lead to that an agency works (Beasiswa MBR: Disdik's verification)."""
    if task.agency_id is not None:
        return events.agency_heads(task.agency_id)
    defn = definition_of(task.application)
    for transition in defn.transitions_from(task.stage):
        target = defn.stage(transition.to) if defn.has_stage(transition.to) else None
        agency = agency_by_code(target.agency) if target is not None and target.agency else None
        if agency is not None:
            return events.agency_heads(agency.id)
    return []


def _in_revision() -> sa.ColumnElement[bool]:
    """Back with the applicant now. (``returned_from`` and the deadline stay on the row after
    the resubmission, so the stage is what says the applicant still has to act.)"""
    stages = sorted(set().union(*(d.revision_stages for d in registry().current_definitions())))
    return sa.and_(Application.returned_from.is_not(None), Application.outcome.is_(None),
                   Application.stage.in_(stages))


def remind_revision_deadlines(now: datetime) -> int:
    """Applications back with the applicant whose deadline is near; the event key dedups."""
    today = _today(now)
    horizon = today + timedelta(days=setting("NOTIFY_REVISION_REMIND_DAYS"))
    query = sa.select(Application).where(
        _in_revision(), Application.revision_deadline.between(today, horizon),
    ).order_by(Application.id).limit(BATCH)
    sent = sum(bool(events.revision_due(a)) for a in db.session.scalars(query))
    db.session.commit()
    return sent


def notify_revision_lapsed(now: datetime) -> int:
    """Revision deadlines that passed without a resubmission: the agency that sent the
    application back is told once (the event key dedups); what follows is its decision, the
    date itself moves nothing. Deadlines up to NOTIFY_REVISION_LAPSED_DAYS back are looked at,
    so the sweep stays small however many old ones there are."""
    today = _today(now)
    since = today - timedelta(days=setting("NOTIFY_REVISION_LAPSED_DAYS"))
    query = sa.select(Application).where(
        _in_revision(), Application.revision_deadline.between(since, today - timedelta(days=1)),
    ).order_by(Application.id).limit(BATCH)
    sent = sum(bool(events.revision_lapsed(a, _returned_by(a)))
               for a in db.session.scalars(query))
    db.session.commit()
    return sent


def _returned_by(application: Application) -> list[User]:
    """Whoever works the stage that sent the application back (its agency and role)."""
    defn = definition_of(application)
    if not defn.has_stage(application.returned_from):
        return []
    stage = defn.stage(application.returned_from)
    agency = agency_by_code(stage.agency) if stage.agency else None
    if agency is None or stage.role is None:
        return []
    return events.agency_users(agency.id, stage.role)


def _open_reports() -> sa.Select:
    return sa.select(Report).where(Report.status.in_(OPEN_REPORT)).order_by(Report.id)


def remind_reports_due(now: datetime) -> int:
    today = _today(now)
    horizon = today + timedelta(days=setting("NOTIFY_REPORT_REMIND_DAYS"))
    reports = _locked(_open_reports().where(Report.due_date.between(today, horizon),
                                            Report.reminded_dt.is_(None)), Report)
    for report in reports:
        events.report_due(report)
        report.reminded_dt = now
    db.session.commit()
    return len(reports)


def notify_reports_overdue(now: datetime) -> int:
    reports = _locked(_open_reports().where(Report.due_date < _today(now),
                                            Report.overdue_notified_dt.is_(None)), Report)
    for report in reports:
        events.report_overdue(report)
        report.overdue_notified_dt = now
    db.session.commit()
    return len(reports)


SWEEPS: dict[str, Callable[[datetime], int]] = {
    "task_overdue": remind_overdue_tasks,
    "task_escalated": escalate_overdue_tasks,
    "revision_due": remind_revision_deadlines,
    "revision_lapsed": notify_revision_lapsed,
    "report_due": remind_reports_due,
    "report_overdue": notify_reports_overdue,
}


def sweep(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    return {name: run(now) for name, run in SWEEPS.items()}


# --- daily digest ---------------------------------------------------------------------------


def _staff_with_queues() -> list[User]:
    query = (
        sa.select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role.in_(DIGEST_ROLES), User.is_active)
        .order_by(User.id)
    )
    return list(db.session.scalars(query).unique())


def queue_counts(user: User, now: datetime) -> dict[str, int]:
    """Open and overdue tasks the user may work: in the queues of their (agency, role) pairs,
    and a school operator's schools' tasks (``school_task_clause``). ``school``: how many of
    them are the school's (the digest then links to the school's list)."""
    overdue = sa.func.count().filter(StageTask.due_dt < now)
    total = late = school = 0
    pairs = [(r.agency_id, r.role) for r in user.roles if r.role in DIGEST_ROLES and r.agency_id]
    if pairs:
        mine = sa.and_(StageTask.completed_dt.is_(None),
                       sa.tuple_(StageTask.agency_id, StageTask.role).in_(pairs))
        total, late = db.session.execute(sa.select(sa.func.count(), overdue).where(mine)).one()
    if user.has_role(SCHOOL_OPERATOR):
        school, school_late = db.session.execute(
            sa.select(sa.func.count(), overdue)
            .join(Application, Application.id == StageTask.application_id)
            .where(school_task_clause(user))).one()
        total, late = total + school, late + school_late
    return {"open": total, "overdue": late, "school": school}


def send_daily_digests(now: datetime | None = None) -> int:
    """From NOTIFY_DIGEST_HOUR (Jakarta) on, once per day and user with open work."""
    now = now or utcnow()
    if now.astimezone(JAKARTA).hour < setting("NOTIFY_DIGEST_HOUR"):
        return 0
    sent = 0
    for user in _staff_with_queues():
        counts = queue_counts(user, now)
        if counts["open"]:
            worklist = "staff.school" if counts["school"] == counts["open"] else "staff.queue"
            sent += bool(events.daily_digest(user, counts, _today(now), worklist))
    db.session.commit()
    return sent
