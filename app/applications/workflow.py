"""Running the pure workflow engine against the database, in the caller's transaction.

``fire`` is the one way an application changes stage: it plans with ``workflows``, applies the
plan with a conditional UPDATE on the version it read (two people acting at once → exactly one
succeeds), closes and opens stage tasks, records the decision with frozen digests, runs the
named effects, and writes the audit event and outbox rows. It never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.agencies.models import Agency
from app.applications import duplicates, effects, notices, repeat_limits
from app.applications.eligibility import assess, passed
from app.applications.facts import gather, window_facts
from app.applications.models import (
    CLOSED_OUTCOMES,
    Application,
    Decision,
    Document,
    StageTask,
)
from app.applications.parties import Parties
from app.applications.permissions import (
    is_applicant_of,
    is_nominating_office_of,
    operates_school_of,
)
from app.audit.operations import freeze, record_decision
from app.db import utcnow
from app.extensions import db
from app.programs.registry import registry
from workflows import (
    Actor,
    Plan,
    ProgramDefinition,
    TransitionContext,
    TransitionDenied,
    allowed_transitions,
    plan_transition,
)
from workflows.engine import task_for

T = TypeVar("T")


class WorkflowRefused(Exception):
    """The engine refused the action; ``message`` is Indonesian, ``message_en`` English."""

    def __init__(self, code: str, message: str, message_en: str | None = None):
        super().__init__(message)
        self.code, self.message, self.message_en = code, message, message_en or message

    @property
    def localized(self) -> str:
        """The message in the current request's language (Indonesian outside a request)."""
        locale = get_locale()
        return self.message_en if locale is not None and locale.language == "en" else self.message


class AlreadyHandled(WorkflowRefused):
    def __init__(self) -> None:
        super().__init__(
            "already_handled",
            "Permohonan ini sudah ditangani oleh petugas lain. Muat ulang halaman untuk melihat "
            "tahap terbarunya.",
            "This application was already handled by someone else. Reload to see its stage.",
        )


def definition_of(application: Application) -> ProgramDefinition:
    return registry().pinned(application.program_key, application.definition_version)


def actor_for(user: User, application: Application) -> Actor:
    nominated = (is_nominating_office_of(user, application)
                 or operates_school_of(user, application))
    return Actor(
        user_id=user.id,
        roles=user.role_pairs,
        is_applicant=is_applicant_of(user, application),
        nominated=nominated,
    )


def available_actions(user: User, application: Application):
    """Transitions this user may fire now (guards are checked when firing)."""
    if application.is_closed:
        return []
    return allowed_transitions(
        definition_of(application), application.stage, actor_for(user, application)
    )


def fire(
    application: Application,
    action: str,
    user: User,
    *,
    reason: str | None = None,
    fields: Mapping[str, Any] | None = None,
    seen_version: int | None = None,
    guarded: bool = True,
    parties: Parties | None = None,
) -> Decision:
    """``parties``: the applying party as the caller already read it in this transaction."""
    defn = definition_of(application)
    seen = application.version if seen_version is None else seen_version
    facts, eligibility = _facts(defn, application, action, fields or {}, parties)
    documents = current_documents(application)
    ctx = TransitionContext(
        stage=application.stage,
        returned_from=application.returned_from,
        reason=(reason or "").strip() or None,
        fields=dict(fields or {}),
        documents=frozenset(d.doc_type for d in documents),
        facts=facts,
    )
    try:
        plan = plan_transition(defn, action, actor_for(user, application), ctx)
    except TransitionDenied as denied:
        if eligibility is not None:  # the reasons stay readable (and savable) after a refusal
            application.eligibility = eligibility
        raise WorkflowRefused(denied.code, denied.message["id"], denied.message["en"]) from denied
    _move(application, plan, seen, guarded=guarded, eligibility=eligibility)
    decision = _decide(defn, application, plan, user, ctx, documents)
    effects.run(defn, application, plan, decision, user)
    task = _open_task(application, plan)
    notices.after_transition(application, plan, decision, task)
    # last: the audit chain's lock is then held only from here to the commit
    _audit(application, decision)
    return decision


#: built once (module-level statements compute their cache key once)
_CURRENT_DOCUMENTS = sa.select(Document).where(
    Document.application_id == sa.bindparam("application_id"), Document.is_current.is_(True)
)
_OPEN_TASK = sa.select(StageTask).where(
    StageTask.application_id == sa.bindparam("application_id"), StageTask.completed_dt.is_(None)
)


def current_documents(application: Application) -> list[Document]:
    return list(db.session.scalars(_CURRENT_DOCUMENTS, {"application_id": application.id}))


def _facts(
    defn: ProgramDefinition,
    application: Application,
    action: str,
    fields: Mapping[str, Any],
    parties: Parties | None = None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Everything guards read, and the fresh eligibility record when the step re-ran the rules
    (stored by ``_move`` with the stage, so a refused step leaves no trace).
    Eligibility and duplicates are re-run where the step asks."""
    parties = parties or Parties.of(application)
    facts = gather(application, defn, parties)
    transition = defn.find_transition(application.stage, action)
    guards = set(transition.guards) if transition else set()
    submits = transition is not None and transition.submits
    eligibility = None
    if submits or "eligibility_passed" in guards:
        eligibility = assess(defn, facts)
        results = eligibility["results"]
    else:
        results = (application.eligibility or {}).get("results", [])
    findings = []
    if submits or "no_blocking_duplicates" in guards:
        findings = duplicates.check(defn, application, parties)
    facts["eligibility_ok"] = passed(results)
    facts["eligibility_failures"] = [
        r["message"]["id"] for r in results if r["blocking"] and r["outcome"] != "pass"
    ]
    facts["blocking_duplicates"] = [f.note for f in findings if f.blocking]
    if submits or "no_blocking_duplicates" in guards:
        facts["blocking_duplicates"] += repeat_limits.refusals(defn, application, parties)
    # the facts only a guard reads are looked up when this transition has that guard
    if "within_window" in guards:
        facts.update(window_facts(defn))
    facts.update(effects.budget_facts(defn, application, dict(fields), wanted=guards))
    if "bank_account_confirmed" in guards:
        facts["bank_account_confirmed"] = effects.bank_account_confirmed(parties.account)
    return facts, eligibility


def _move(
    application: Application,
    plan: Plan,
    seen: int,
    *,
    guarded: bool,
    eligibility: dict[str, Any] | None = None,
) -> None:
    now = utcnow()
    values: dict[str, Any] = {"stage": plan.to_stage, "updated_dt": now, "outcome": plan.outcome}
    if eligibility is not None:
        values["eligibility"] = eligibility
    if plan.returned_from is not None:
        values["returned_from"] = plan.returned_from
    if plan.outcome in CLOSED_OUTCOMES:
        values["closed_dt"] = now
    if plan.transition.submits and application.submitted_dt is None:
        values["submitted_dt"] = now  # the first submission; a resubmission keeps it
    guard = {"seen_version": seen, "seen_stage": plan.from_stage} if guarded else {}
    returned = db.session.execute(
        _MOVE_GUARDED if guarded else _MOVE, {"application_id": application.id, **guard, **values}
    ).first()
    if returned is None:
        raise AlreadyHandled()
    values["version"], values["updated_dt"] = returned
    for name, value in values.items():  # what the row now holds, without reading it back
        set_committed_value(application, name, value)


_APPLICATIONS = Application.__table__
#: built once (cache key computed once): ``version = version + 1`` and the columns given to
#: execute; guarded, only while the row still holds the version and stage read before
_MOVE = (
    sa.update(_APPLICATIONS)
    .where(_APPLICATIONS.c.id == sa.bindparam("application_id"))
    .values(version=_APPLICATIONS.c.version + 1)
    .returning(_APPLICATIONS.c.version, _APPLICATIONS.c.updated_dt)
)
_MOVE_GUARDED = _MOVE.where(
    _APPLICATIONS.c.version == sa.bindparam("seen_version"),
    _APPLICATIONS.c.stage == sa.bindparam("seen_stage"),
)


def _acting_role(user: User, plan: Plan) -> str:
    held = {role for role, _ in user.role_pairs}
    return next((r for r in plan.transition.roles if r in held), "applicant")


def _decide(
    defn: ProgramDefinition,
    application: Application,
    plan: Plan,
    user: User,
    ctx: TransitionContext,
    documents: list[Document],
) -> Decision:
    now = utcnow()
    task = None
    if task_for(defn.stage(plan.from_stage)) is not None:  # only such a stage has a task open
        task = db.session.scalar(_OPEN_TASK, {"application_id": application.id})
    if task is not None:
        task.completed_dt, task.completed_by_user_id, task.action = (
            now,
            user.id,
            plan.transition.action,
        )
    if plan.to_stage in defn.revision_stages and ctx.reason:
        application.revision_note = ctx.reason
        application.revision_deadline = _as_date(ctx.fields.get("deadline"))
    frozen = freeze(application, documents)
    db.session.flush()  # the task closed above is written before the decision naming it
    return _stored(Decision, _INSERT_DECISION, {
        "application_id": application.id,
        "task_id": task.id if task else None,
        "from_stage": plan.from_stage,
        "to_stage": plan.to_stage,
        "action": plan.transition.action,
        "actor_user_id": user.id,
        "actor_role": _acting_role(user, plan),
        "agency_id": task.agency_id if task else None,
        "reason": ctx.reason,
        "fields": _jsonable(ctx.fields),
        "answers_digest": frozen["answers_digest"],
        "documents_digest": frozen["documents_digest"],
        "audit_seq": None,
        "created_dt": now,
    })


def _stored(entity: type[T], statement: sa.Insert, values: dict[str, Any]) -> T:
    """One Core ``INSERT … RETURNING`` the whole row (no unit-of-work flush), and the row as
    an object the session holds as stored, exactly what was written."""
    row = db.session.execute(statement, values).one()
    stored = entity(**row._mapping)
    make_transient_to_detached(stored)
    db.session.add(stored)
    return stored


#: built once (cache key computed once); every column is given, the row comes back whole
_INSERT_DECISION = sa.insert(Decision.__table__).returning(*Decision.__table__.c)


def _jsonable(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _open_task(application: Application, plan: Plan) -> StageTask | None:
    """The next stage's task: one INSERT … RETURNING, the agency id looked up inside it."""
    if plan.task is None:
        return None
    now = utcnow()
    return _stored(StageTask, _OPEN_NEXT_TASK, {
        "application_id": application.id, "stage": plan.to_stage,
        "agency_code": plan.task.agency, "role": plan.task.role, "created_dt": now,
        "due_dt": now + timedelta(days=plan.task.sla_days),
    })


#: built once; a task without an agency gets NULL (no agency has a NULL code)
_OPEN_NEXT_TASK = (
    sa.insert(StageTask.__table__)
    .values(agency_id=sa.select(Agency.id).where(Agency.code == sa.bindparam("agency_code"))
            .scalar_subquery())
    .returning(*StageTask.__table__.c)
)


def _audit(application: Application, decision: Decision) -> None:
    agency = db.session.get(Agency, decision.agency_id) if decision.agency_id else None
    record_decision(decision, application, agency_code=agency.code if agency else None)
