"""The reviewer's queue: the staff workspace's queue (same query, same scopes) as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import StringConstraints

from app.agencies.models import Agency
from app.api import pagination
from app.api.blueprint import api
from app.api.permissions import can_use_queue
from app.api.problems import ApiProblem
from app.api.schemas import Out
from app.applications.permissions import WORK_ROLES
from app.db import utcnow
from app.extensions import db
from app.staff import queue as work_queue

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class QueueQuery(pagination.PageQuery):
    program: Key | None = None
    stage: Key | None = None


class QueueItem(Out):
    task_id: int
    application_id: int
    application_number: str
    application_version: int
    program_key: str
    stage: str
    agency: str | None
    role: str
    created_dt: datetime
    due_dt: datetime
    overdue: bool
    claimed: bool
    duplicate_flag: bool


class QueuePage(Out):
    items: list[QueueItem]
    next_cursor: str | None


def _cursor(text: str | None) -> work_queue.Cursor | None:
    if text is None:
        return None
    cursor = work_queue.Cursor.decode(text)
    if cursor is None or not _storable(cursor):
        raise ApiProblem(422, "Cursor tidak valid.", code="bad_cursor",
                         errors=[{"field": "cursor", "message": "unknown cursor"}])
    return cursor


def _storable(cursor: work_queue.Cursor) -> bool:
    try:
        cursor.due_dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return False
    return 0 <= cursor.id <= pagination.MAX_POSITION


@api.operation("GET", "/review/queue", summary="Open tasks for the token's agency and role",
               tags=("workflow",), roles=WORK_ROLES, query=QueueQuery, response=QueuePage)
def review_queue(user, query: QueueQuery):
    """Open StageTasks of the token's agency and role, soonest due first. Then read
    `GET /applications/{id}/actions` and fire one with `POST /applications/{id}/transitions`."""
    if not can_use_queue(user):
        raise ApiProblem(403)
    after = _cursor(pagination.decode_text(query.cursor))
    filters = work_queue.QueueFilter(program=query.program, stage=query.stage)
    page = work_queue.page(user, filters, after, query.limit)
    codes = dict(db.session.query(Agency.id, Agency.code).all())
    now = utcnow()
    return QueuePage(
        items=[_item(row, codes, now) for row in page.rows],
        next_cursor=pagination.encode_text(page.next_cursor.encode() if page.next_cursor else None),
    )


def _item(row: work_queue.QueueRow, codes: dict[int, str], now: datetime) -> QueueItem:
    task, application = row.task, row.application
    return QueueItem(
        task_id=task.id, application_id=application.id, application_number=application.number,
        application_version=application.version, program_key=application.program_key,
        stage=task.stage, agency=codes.get(task.agency_id), role=task.role,
        created_dt=task.created_dt, due_dt=task.due_dt, overdue=task.is_overdue(now),
        claimed=task.claimed_by_user_id is not None, duplicate_flag=row.duplicate,
    )
