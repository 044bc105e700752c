"""Review operations: claiming tasks, deciding (one or many), reading protected data.

Everything here flushes and audits but never commits; decisions go through ``workflow.fire``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.applications import documents, workflow
from app.applications.effects import EffectError
from app.applications.models import Application, Decision, StageTask
from app.applications.permissions import can_view_case, can_work_task
from app.applications.queries import open_task
from app.audit.operations import record, record_personal_data_read
from app.common.errors import Refusal
from app.db import utcnow
from app.extensions import db
from app.organizations.models import Person


class StaffRefused(Refusal):
    """A refused staff action; the message is translated when read (``Refusal``)."""


@dataclass(frozen=True)
class Upload:
    doc_type: str
    filename: str
    content: bytes
    meta: Mapping[str, Any] | None = None


def _claimer_name(task: StageTask) -> Any:
    claimer = db.session.get(User, task.claimed_by_user_id) if task.claimed_by_user_id else None
    # TRANSLATORS: stands for an unnamed officer in "... sudah diambil oleh %(name)s".
    return claimer.full_name if claimer else _l("petugas lain")


def claim(task: StageTask, user: User) -> None:
    """Take a task; one conditional UPDATE, so two reviewers cannot both hold it."""
    if not can_work_task(user, task):
        raise StaffRefused(_l("Tugas ini bukan bagian dari antrean Anda."))
    result = db.session.execute(
        sa.update(StageTask)
        .where(
            StageTask.id == task.id,
            StageTask.completed_dt.is_(None),
            sa.or_(StageTask.claimed_by_user_id.is_(None), StageTask.claimed_by_user_id == user.id),
        )
        .values(claimed_by_user_id=user.id, claimed_dt=utcnow())
    )
    db.session.refresh(task)
    if result.rowcount != 1:
        if task.completed_dt is not None:
            raise StaffRefused(_l("Tugas ini sudah selesai ditangani."))
        raise StaffRefused(
            _l("Berkas ini sudah diambil oleh %(name)s. Pilih berkas lain dari antrean.",
               name=_claimer_name(task))
        )
    _audit_task("task.claimed", task, user)


def release(task: StageTask, user: User) -> None:
    result = db.session.execute(
        sa.update(StageTask)
        .where(StageTask.id == task.id, StageTask.claimed_by_user_id == user.id)
        .values(claimed_by_user_id=None, claimed_dt=None)
    )
    db.session.refresh(task)
    if result.rowcount != 1:
        raise StaffRefused(_l("Berkas ini tidak sedang Anda ambil."))
    _audit_task("task.released", task, user)


def assign(task: StageTask, assignee: User, by: User) -> None:
    """An agency head hands an open task to a colleague who holds the task's role there."""
    if not can_work_task(assignee, task):
        raise StaffRefused(_l("Petugas ini tidak memegang peran tahap ini di OPD yang sama."))
    db.session.execute(
        sa.update(StageTask)
        .where(StageTask.id == task.id, StageTask.completed_dt.is_(None))
        .values(claimed_by_user_id=assignee.id, claimed_dt=utcnow())
    )
    db.session.refresh(task)
    _audit_task("task.assigned", task, by, summary={"assignee_user_id": assignee.id})


def _audit_task(action: str, task: StageTask, user: User, summary: dict | None = None) -> None:
    application = task.application
    record(
        action,
        actor=user,
        program_key=application.program_key,
        object_type="application",
        object_id=application.id,
        object_version=application.version,
        summary={"task_id": task.id, "stage": task.stage, **(summary or {})},
    )


def decide(
    application: Application,
    action: str,
    user: User,
    *,
    reason: str | None = None,
    fields: Mapping[str, Any] | None = None,
    seen_version: int | None = None,
    uploads: Iterable[Upload] = (),
) -> Decision:
    """Attach the staff's documents, then fire the transition on the version the user saw.

    Raises ``StaffRefused`` (task held by someone else), ``DocumentRejected``,
    ``WorkflowRefused``/``AlreadyHandled`` or ``EffectError``.
    """
    task = open_task(application)
    if task is not None and task.claimed_by_user_id not in (None, user.id):
        raise StaffRefused(
            _l("Berkas ini sedang ditangani oleh %(name)s; keputusan tidak disimpan.",
               name=_claimer_name(task))
        )
    if seen_version is not None and seen_version != application.version:
        raise workflow.AlreadyHandled()
    for upload in uploads:
        documents.attach(
            application,
            upload.doc_type,
            upload.filename,
            upload.content,
            user,
            meta=dict(upload.meta or {}),
        )
    return workflow.fire(
        application, action, user, reason=reason, fields=fields, seen_version=seen_version
    )


@dataclass(frozen=True)
class BulkItem:
    task_id: int
    seen_version: int | None


@dataclass
class BulkResult:
    task_id: int
    application: Application | None
    status: str  # "ok" | "refused" | "handled"
    message: str


REFUSALS = (workflow.WorkflowRefused, StaffRefused, EffectError, documents.DocumentRejected)


def refusal_text(refused: Exception) -> str:
    """A refusal's message in the current request's language, as a plain string."""
    if isinstance(refused, workflow.WorkflowRefused):
        return refused.localized
    return str(refused)


def bulk_decide(
    items: Iterable[BulkItem],
    action: str,
    user: User,
    *,
    fields: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> list[BulkResult]:
    """Decide each item in its own savepoint: one refusal never undoes the others."""
    return [_bulk_one(item, action, user, fields, reason) for item in items]


def _bulk_one(item: BulkItem, action: str, user: User, fields, reason) -> BulkResult:
    task = db.session.get(StageTask, item.task_id)
    application = task.application if task else None
    if application is None or not can_view_case(user, application):
        return BulkResult(item.task_id, None, "refused", _("Berkas tidak ditemukan."))
    savepoint = db.session.begin_nested()
    try:
        decide(
            application,
            action,
            user,
            reason=reason,
            fields=dict(fields or {}),
            seen_version=item.seen_version,
        )
        savepoint.commit()
    except workflow.AlreadyHandled as handled:
        savepoint.rollback()
        return BulkResult(item.task_id, application, "handled", handled.localized)
    except REFUSALS as refused:
        savepoint.rollback()
        return BulkResult(item.task_id, application, "refused", refusal_text(refused))
    return BulkResult(item.task_id, application, "ok", _("Tersimpan."))


def reveal_nik(
    user: User, person: Person, application: Application, *, stated_reason: str = ""
) -> str | None:
    """The full NIK, recorded as a personal-data read with the reason (an auditor's stated
    reason, else the file's examination). Callers check ``can_reveal_nik``."""
    reason = f"Pemeriksaan berkas {application.number}"
    if stated_reason:
        reason = f"{reason}: {stated_reason}"
    record_personal_data_read(user, person, "nik", reason=reason)
    return person.reveal_nik()


def record_document_read(user: User, application: Application, doc_type: str) -> None:
    record_personal_data_read(user, application, f"document:{doc_type}")
