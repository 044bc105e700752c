"""Which notifications a fired transition sends (outbox rows in the same transaction)."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from app.applications.models import Application, Decision, Disbursement, Document, StageTask
from app.applications.queries import uploadable_documents
from app.extensions import db
from app.notifications import events
from app.programs.registry import registry
from workflows import Plan, ProgramDefinition


def after_transition(
    application: Application, plan: Plan, decision: Decision, task: StageTask | None = None
) -> None:
    """Outbox rows for the transition just applied; ``task`` is the stage task it opened."""
    defn = _definition(application)
    if plan.transition.submits and plan.from_stage not in defn.revision_stages:
        events.application_received(application)
    elif plan.returned_from is not None:
        events.returned_for_revision(
            application, decision.reason or "", application.revision_deadline
        )
    elif plan.outcome in ("approved", "rejected") or "reserve_budget" in plan.effects:
        outcome = "rejected" if plan.outcome == "rejected" else "approved"
        events.decided(application, outcome, decision.reason, decision=decision)
    elif "record_transfer_failed" in plan.effects:
        failed = _last_disbursement(application, "failed")
        if failed is not None:
            events.disbursement_failed(application, failed, decision.reason)
    elif "record_tranche_paid" in plan.effects:
        sent = _last_disbursement(application, "sent")
        if sent is not None:
            events.disbursement_sent(application, sent)
    elif plan.outcome != "withdrawn":
        events.stage_advanced(application, defn.stage(application.stage).name)
    _new_work(task)


def _definition(application: Application) -> ProgramDefinition:
    return registry().pinned(application.program_key, application.definition_version)


def _last_disbursement(application: Application, status: str) -> Disbursement | None:
    return db.session.scalar(
        sa.select(Disbursement)
        .where(Disbursement.application_id == application.id, Disbursement.status == status)
        .order_by(Disbursement.recorded_dt.desc(), Disbursement.id.desc())
        .limit(1)
    )


def _new_work(task: StageTask | None) -> None:
    if task is not None:
        events.new_work(task, events.task_workers(task))


def document_quarantined(document: Document, virus: str) -> None:
    """Tell whoever uploaded ``document`` that the virus rescan took it out of use."""
    application = document.application
    uploader = db.session.get(User, document.uploaded_by_user_id)
    if uploader is None:
        return
    defn = _definition(application)
    requirement = defn.document(document.doc_type)
    may_replace = any(d.type == document.doc_type
                      for d in uploadable_documents(defn, application))
    events.document_quarantined(
        application, uploader, document_id=document.id,
        label=requirement.label if requirement else document.doc_type,
        filename=document.filename, virus=virus, may_replace=may_replace)
