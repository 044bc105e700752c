"""Transitions: submit, withdraw, list the actions allowed now and fire one — through the web
app's own ``submission.act`` / ``review.decide``, refusals turned into problem documents.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from app.api.applications import (
    APPLICANT_ROLES,
    ApplicationOut,
    DecisionOut,
    application_out,
    decision_out,
    viewable,
)
from app.api.blueprint import api
from app.api.problems import ApiProblem
from app.api.programs import TransitionOut, transition_out
from app.api.schemas import In, Out
from app.applications import review, submission, workflow
from app.applications.effects import EffectError
from app.applications.models import Application, Decision
from app.applications.permissions import is_applicant_of
from app.extensions import db
from app.programs.budget import BudgetExceeded

Reason = Annotated[str, StringConstraints(max_length=2000)]
FieldValues = Annotated[dict[Annotated[str, StringConstraints(max_length=60)], Any],
                        Field(max_length=50)]


#: engine refusal codes → HTTP status (the rest are 409: the application's state forbids it)
REFUSAL_STATUS = {"role": 403, "agency": 403, "separation_of_duties": 403,
                  "reason_required": 422, "fields_missing": 422, "fields_invalid": 422}


# -- models -----------------------------------------------------------------------------------


class WithdrawIn(In):
    reason: Reason | None = None


class TransitionIn(In):
    action: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    reason: Reason | None = None
    fields: FieldValues = Field(default_factory=dict)
    seen_version: Annotated[int, Field(ge=1, le=10**9)] | None = Field(
        None, description="The `version` you saw; or send it in `If-Match`")


class ActionsOut(Out):
    version: int
    items: list[TransitionOut]


class FiredOut(Out):
    decision: DecisionOut
    application: ApplicationOut


# -- firing, as the web app does --------------------------------------------------------------


def fire(application: Application, action: str, user, *, reason: str | None = None,
         fields: dict[str, Any] | None = None, seen_version: int | None = None) -> Decision:
    """Fire as the web app does: the applicant through the portal's ``act`` (fields come from
    the answers), staff through the workspace's ``decide`` (which also refuses a task another
    officer holds). Refusals become problem documents."""
    try:
        if is_applicant_of(user, application):
            return submission.act(application, user, action, reason=reason,
                                  seen_version=seen_version)
        return review.decide(application, action, user, reason=reason, fields=fields or {},
                                seen_version=seen_version)
    except REFUSALS as exc:
        raise _refused(exc) from None


REFUSALS = (workflow.WorkflowRefused, review.StaffRefused, EffectError, BudgetExceeded)


def _refused(exc: Exception) -> ApiProblem:
    if isinstance(exc, workflow.AlreadyHandled):
        return ApiProblem(409, exc.message, code="already_handled")
    if isinstance(exc, workflow.WorkflowRefused):
        return ApiProblem(REFUSAL_STATUS.get(exc.code, 409), exc.message, code=exc.code,
                          errors=_refusal_errors(exc))
    if isinstance(exc, review.StaffRefused):
        return ApiProblem(409, str(exc), code="task_held_by_other")
    return ApiProblem(409, str(exc), code="effect_refused")


def _refusal_errors(exc: workflow.WorkflowRefused) -> list[dict[str, str]] | None:
    if exc.code == "reason_required":
        return [{"field": "reason", "message": exc.message}]
    if exc.code in ("fields_missing", "fields_invalid"):
        return [{"field": "fields", "message": exc.message}]
    return None


def fired(application: Application, decision: Decision) -> tuple[FiredOut, int, dict]:
    db.session.flush()
    return (FiredOut(decision=decision_out(decision), application=application_out(application)),
            200, {"ETag": f'"{application.version}"'})


def seen(if_match: int | None, body_version: int | None) -> int | None:
    if if_match is not None and body_version is not None and if_match != body_version:
        raise ApiProblem(422, "If-Match dan seen_version berbeda.", code="version_mismatch",
                         errors=[{"field": "seen_version", "message": "differs from If-Match"}])
    return if_match if if_match is not None else body_version


# -- operations -------------------------------------------------------------------------------


@api.operation("POST", "/applications/<int:application_id>/submit", summary="Submit",
               tags=("applications",), roles=APPLICANT_ROLES, response=FiredOut,
               idempotent=True, if_match=True, errors=(409,))
def submit_application(user, application_id: int, if_match: int | None):
    """Submit (or resubmit after a revision, or nominate) — the applicant's forward action at
    the current stage. Eligibility, documents, duplicates and the period are checked."""
    application = viewable(user, application_id)
    if not is_applicant_of(user, application):
        raise ApiProblem(403)
    if submission.submission_transition(user, application) is None:
        raise ApiProblem(409, "Permohonan tidak dapat diajukan pada tahap ini.",
                         code="not_submittable")
    if if_match is not None and if_match != application.version:
        raise ApiProblem(409, workflow.AlreadyHandled().message, code="already_handled")
    try:
        decision = submission.submit(application, user)
    except REFUSALS as exc:
        raise _refused(exc) from None
    return fired(application, decision)


@api.operation("POST", "/applications/<int:application_id>/withdraw", summary="Withdraw",
               tags=("applications",), roles=APPLICANT_ROLES, body=WithdrawIn,
               response=FiredOut, idempotent=True, if_match=True, errors=(409,))
def withdraw_application(user, application_id: int, body: WithdrawIn, if_match: int | None):
    """Withdraw the application (a reason is required by most programs)."""
    application = viewable(user, application_id)
    return fired(application, fire(application, "withdraw", user, reason=body.reason,
                                   seen_version=if_match))


@api.operation("GET", "/applications/<int:application_id>/actions",
               summary="Transitions allowed now", tags=("workflow",), response=ActionsOut)
def get_actions(user, application_id: int):
    """What the token may fire at the current stage (`workflow.available_actions`); guards are
    checked when firing."""
    application = viewable(user, application_id)
    return ActionsOut(version=application.version,
                      items=[transition_out(t) for t in workflow.available_actions(user,
                                                                                   application)])


@api.operation("POST", "/applications/<int:application_id>/transitions",
               summary="Fire a transition", tags=("workflow",), body=TransitionIn,
               response=FiredOut, idempotent=True, if_match=True, errors=(409,))
def fire_transition(user, application_id: int, body: TransitionIn, if_match: int | None):
    """Fire one action with its reason and fields (`workflow.fire`). Send the version you saw in
    `If-Match` (or `seen_version`): if someone acted first you get 409 `already_handled`."""
    application = viewable(user, application_id)
    decision = fire(application, body.action, user, reason=body.reason, fields=body.fields,
                    seen_version=seen(if_match, body.seen_version))
    return fired(application, decision)
