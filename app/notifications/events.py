"""The events SIBANTU tells people about. Call these inside the transaction of the change.

Each helper writes outbox rows (see ``operations.notify``) and never commits. The event key
names the occurrence, so calling a helper twice for the same occurrence notifies once:
``decision:<id>``, ``disbursement:<id>:failed``, ``reminder:task:<id>:overdue``… Keys that
use ``application.version`` expect the transition to be applied (version bumped) first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from app.accounts.models import RoleAssignment, User
from app.accounts.roles import APPROVER, SCHOOL_OPERATOR
from app.applications.models import Application, Decision, Disbursement, Report, StageTask
from app.common.i18n import jakarta_today
from app.extensions import db
from app.notifications.operations import Written, notify

Rows = Written


# --- recipients -----------------------------------------------------------------------------


def applicant_recipients(application: Application) -> list[User]:
    """The account that owns the application, and the village operator who nominated it."""
    ids = [application.owner_user_id, application.nominated_by_user_id]
    return [u for u in (db.session.get(User, i) for i in ids if i) if u and u.is_active]


#: built once: a module-level statement's cache key is computed once, not per call
_AGENCY_USERS = (
    sa.select(User)
    .join(RoleAssignment, RoleAssignment.user_id == User.id)
    .where(RoleAssignment.agency_id == sa.bindparam("agency_id"),
           RoleAssignment.role == sa.bindparam("role"), User.is_active)
    .order_by(User.id)
    .options(lazyload(User.roles))  # recipients need address and preferences, not their roles
)


def agency_users(agency_id: int, role: str) -> list[User]:
    return list(db.session.scalars(_AGENCY_USERS, {"agency_id": agency_id, "role": role}).unique())


def agency_heads(agency_id: int) -> list[User]:
    """Who an overdue task is escalated to: the approvers of the agency."""
    return agency_users(agency_id, APPROVER)


#: the operators of one school (``school_npsn`` of their assignment)
_SCHOOL_OPERATORS = (
    sa.select(User)
    .join(RoleAssignment, RoleAssignment.user_id == User.id)
    .where(RoleAssignment.role == SCHOOL_OPERATOR,
           RoleAssignment.school_npsn == sa.bindparam("npsn"), User.is_active)
    .order_by(User.id)
    .options(lazyload(User.roles))
)


def task_workers(task: StageTask) -> list[User]:
    """Everyone who may work the task (``permissions.can_work_task``): its role at its agency,
    or, for a school's task (no agency), the operators of the school the application names."""
    if task.agency_id is not None:
        return agency_users(task.agency_id, task.role)
    npsn = task.application.school_npsn
    if task.role != SCHOOL_OPERATOR or not npsn:
        return []
    return list(db.session.scalars(_SCHOOL_OPERATORS, {"npsn": npsn}).unique())


def task_assignees(task: StageTask) -> list[User]:
    """Whoever claimed the task, else everyone who may work it."""
    if task.claimed_by_user_id:
        user = db.session.get(User, task.claimed_by_user_id)
        if user is not None and user.is_active:
            return [user]
    return task_workers(task)


def _text(value: Any) -> Any:
    """A workflows ``Text`` is stored as {id, en}; anything else as it is."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _about(application: Application, key: str, template: str, **context: Any) -> Rows:
    return notify(key, template, applicant_recipients(application), context=context,
                  application_id=application.id)


# --- applicants -----------------------------------------------------------------------------


def application_received(application: Application) -> Rows:
    key = f"application:{application.id}:received:v{application.version}"
    return _about(application, key, "application_received")


def returned_for_revision(application: Application, note: str, deadline: date | None) -> Rows:
    key = f"application:{application.id}:revision:v{application.version}"
    return _about(application, key, "returned_for_revision", note=note, deadline=_iso(deadline))


def document_quarantined(application: Application, uploader: User, *, document_id: int,
                         label: Any, filename: str, virus: str, may_replace: bool) -> Rows:
    """The virus rescan took an uploaded file out of use: its uploader is told, and whether
    they can upload a clean one now (else the reviewers ask for it when they need it)."""
    key = f"document:{document_id}:quarantined"
    return notify(key, "document_quarantined", [uploader] if uploader.is_active else [],
                  context={"label": _text(label), "filename": filename, "virus": virus,
                           "may_replace": may_replace},
                  application_id=application.id)


def stage_advanced(application: Application, stage_name: Any) -> Rows:
    key = f"application:{application.id}:stage:{application.stage}:v{application.version}"
    return _about(application, key, "stage_advanced", stage=_text(stage_name))


def decided(
    application: Application, outcome: str, reason: str | None = None, *,
    decision: Decision | None = None,
) -> Rows:
    """Approved or rejected, with the reason. Keyed by the decision when one is given."""
    key = (f"decision:{decision.id}" if decision is not None
           else f"application:{application.id}:decided:{outcome}:v{application.version}")
    return _about(application, key, "decided", outcome=outcome, reason=reason,
                  amount=application.amount_approved)


def disbursement_sent(application: Application, disbursement: Disbursement) -> Rows:
    key = f"disbursement:{disbursement.id}:sent"
    return _about(application, key, "disbursement_sent", disbursement_id=disbursement.id)


def disbursement_failed(
    application: Application, disbursement: Disbursement, fix: str | None = None
) -> Rows:
    """Tells the applicant why the transfer failed and what to correct (``fix``, optional)."""
    key = f"disbursement:{disbursement.id}:failed"
    return _about(application, key, "disbursement_failed", disbursement_id=disbursement.id,
                  fix=fix)


def revision_due(application: Application) -> Rows:
    deadline = _iso(application.revision_deadline)
    key = f"reminder:revision:{application.id}:{deadline}"
    return _about(application, key, "revision_due", deadline=deadline)


def revision_lapsed(application: Application, users: Iterable[User]) -> Rows:
    """To the agency: the applicant let the revision deadline pass without resubmitting."""
    deadline = _iso(application.revision_deadline)
    key = f"reminder:revision:{application.id}:{deadline}:lapsed"
    return notify(key, "revision_lapsed", users, context={"deadline": deadline},
                  application_id=application.id)


def _report_application(report: Report) -> Application:
    return db.session.get(Application, report.application_id)


def report_due(report: Report) -> Rows:
    key = f"reminder:report:{report.id}:due:{report.due_date.isoformat()}"
    return _about(_report_application(report), key, "report_due", report_id=report.id)


def report_overdue(report: Report) -> Rows:
    key = f"reminder:report:{report.id}:overdue:{report.due_date.isoformat()}"
    return _about(_report_application(report), key, "report_overdue", report_id=report.id)


# --- staff ----------------------------------------------------------------------------------


def _about_task(task: StageTask, key: str, template: str, users: Iterable[User]) -> Rows:
    return notify(key, template, users, context={"task_id": task.id},
                  application_id=task.application_id)


def new_work(task: StageTask, users: Iterable[User]) -> Rows:
    return _about_task(task, f"task:{task.id}:new", "new_work", users)


def task_overdue(task: StageTask, users: Iterable[User]) -> Rows:
    return _about_task(task, f"reminder:task:{task.id}:overdue", "task_overdue", users)


def overdue_escalation(task: StageTask, heads: Iterable[User]) -> Rows:
    return _about_task(task, f"reminder:task:{task.id}:escalated", "overdue_escalation", heads)


def daily_digest(user: User, counts: dict[str, int], day: date | None = None,
                 worklist: str = "staff.queue") -> Rows:
    """Once per user and (Jakarta) day: how much work waits in the user's queues;
    ``worklist``: the page that lists it (an agency queue, or a school's list)."""
    day = day or jakarta_today()
    return notify(f"digest:{user.id}:{day.isoformat()}", "daily_digest", [user],
                  context={"counts": dict(counts), "day": day.isoformat(),
                           "worklist": worklist})
