"""Applications: create a draft, save answers, read status, history and the eligibility
pre-check. Firing transitions (submit, withdraw, any action) is in ``transitions``, uploads in
``documents``, the bank account in ``bank_account``; they share this module's models and helpers.

Every handler calls the same domain operations and permission functions as the web views:
``applications.submission`` (start, save, submit, act), ``applications.review.decide``,
``applications.bank``, ``applications.permissions`` (view, upload, act as applicant),
``workflow.available_actions``, ``eligibility.precheck`` and ``documents.attach``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from flask import url_for
from pydantic import Field, StringConstraints, model_validator

from app.api import pagination
from app.api.blueprint import api
from app.api.pipeline import MAX_ID
from app.api.problems import ApiProblem
from app.api.schemas import In, Out, Text, text
from app.applications import operations as ops
from app.applications import submission, workflow
from app.applications.eligibility import passed, precheck
from app.applications.models import Application, Decision, Document, StageTask
from app.applications.permissions import (
    can_apply_as,
    can_edit_application,
    can_view_application,
    is_applicant_of,
)
from app.common.i18n import jakarta_today
from app.extensions import db
from app.organizations.models import Organization, Person
from app.programs.registry import registry
from workflows.answers import validate_answers

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
AnswerKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
AnswerValue = Annotated[str, StringConstraints(max_length=2000)] | int | float | bool | None
Answers = Annotated[dict[AnswerKey, AnswerValue], Field(max_length=100)]
Money = Annotated[int, Field(ge=0, le=10**13)]


# -- models -----------------------------------------------------------------------------------


class DocumentOut(Out):
    id: int
    doc_type: str
    version: int
    is_current: bool
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_dt: datetime


class ApplicationOut(Out):
    id: int
    number: str
    program_key: str
    definition_version: int
    fiscal_year: int
    school_year: str | None
    stage: str
    stage_name: Text
    outcome: str | None
    version: int = Field(description="Send back in `If-Match` when firing a transition")
    applicant_name: str
    organization_id: int | None
    person_id: int | None
    kecamatan_code: str | None
    desa_code: str | None
    answers: dict[str, Any]
    amount_requested: int | None
    amount_approved: int | None
    revision_note: str | None
    revision_deadline: date | None
    submitted_dt: datetime | None
    decided_dt: datetime | None
    closed_dt: datetime | None
    created_dt: datetime
    updated_dt: datetime
    documents: list[DocumentOut]


class CreateDraft(In):
    program_key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    organization_id: Id | None = None
    person_id: Id | None = None
    answers: Answers | None = None
    amount_requested: Money | None = None

    @model_validator(mode="after")
    def one_applicant(self) -> CreateDraft:
        if (self.organization_id is None) == (self.person_id is None):
            raise ValueError("give exactly one of organization_id and person_id")
        return self


class AnswersIn(In):
    answers: Answers
    amount_requested: Money | None = None


class TaskOut(Out):
    stage: str
    agency: str | None
    role: str
    due_dt: datetime


class StatusOut(Out):
    id: int
    number: str
    stage: str
    stage_name: Text
    outcome: str | None
    version: int
    open_task: TaskOut | None


class DecisionOut(Out):
    id: int
    from_stage: str
    to_stage: str
    action: str
    actor_role: str
    reason: str | None
    fields: dict[str, Any]
    created_dt: datetime


class DecisionPage(Out):
    items: list[DecisionOut]
    next_cursor: str | None


class RuleResultOut(Out):
    key: str
    outcome: str = Field(description="pass, fail or unknown")
    blocking: bool
    message: Text
    reason: Text
    hint: Text | None


class EligibilityOut(Out):
    program: str
    passed: bool
    results: list[RuleResultOut]


# -- shared helpers ---------------------------------------------------------------------------


def viewable(user, application_id: int) -> Application:
    """The application, or 404 when it does not exist or the user may not see it."""
    application = db.session.get(Application, application_id)
    if application is None or not can_view_application(user, application):
        raise ApiProblem(404, "Permohonan tidak ditemukan.", code="application_not_found")
    return application


def application_out(application: Application) -> ApplicationOut:
    defn = workflow.definition_of(application)
    data = {name: getattr(application, name) for name in ApplicationOut.model_fields
            if name not in ("stage_name", "documents")}
    return ApplicationOut(
        **data, stage_name=text(defn.stage(application.stage).name),
        documents=[document_out(d) for d in application.documents],
    )


def document_out(document: Document) -> DocumentOut:
    return DocumentOut(**{name: getattr(document, name) for name in DocumentOut.model_fields})


def decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(**{name: getattr(decision, name) for name in DecisionOut.model_fields})


def location(application: Application) -> dict[str, str]:
    return {"Location": url_for("api.get_application", application_id=application.id),
            "ETag": f'"{application.version}"'}


def body_error(field: str, message: str, detail: str) -> ApiProblem:
    return ApiProblem(422, detail, code="validation_failed",
                      errors=[{"field": f"body.{field}", "message": message}])


def checked_answers(application: Application, given: dict,
                    amount: int | None) -> tuple[dict, int | None]:
    """The answers checked against the program's declared form (``GET /programs/{key}/form``);
    a draft may leave required answers for later, submitting may not."""
    declaration = registry().form_of(workflow.definition_of(application))
    checked = validate_answers(declaration, given, existing=application.answers, partial=True,
                               today=jakarta_today())
    if not checked.ok:
        first = next(iter(checked.errors.values()))
        raise ApiProblem(422, f"Isian tidak valid: {first['id']}", code="validation_failed",
                         errors=[{"field": f"body.answers.{key}", "message": reason["en"]}
                                 for key, reason in checked.errors.items()])
    return checked.answers, amount if amount is not None else checked.amount


# -- operations -------------------------------------------------------------------------------


APPLICANT_ROLES = ("applicant", "village_operator")


@api.operation("POST", "/applications", summary="Create a draft application",
               tags=("applications",), roles=("applicant",), body=CreateDraft,
               response=ApplicationOut, status=201, idempotent=True)
def create_application(user, body: CreateDraft):
    """Start a draft for an organisation the token's user belongs to, or for the user themself;
    optionally with the first answers."""
    defn = registry().current(body.program_key)
    if defn is None:
        raise body_error("program_key", "unknown program", "Program tidak ditemukan.")
    if defn.refuses_self_application():  # only its operators propose (POST /nominations)
        raise ApiProblem(403, str(ops.SELF_APPLICATION_REFUSED), code="self_application_refused")
    organization, person = _applicant(user, body)
    try:
        application = submission.start_application(user, body.program_key,
                                                   organization=organization, person=person)
        if body.answers is not None or body.amount_requested is not None:
            answers, amount = checked_answers(application, body.answers or {},
                                              body.amount_requested)
            submission.save_answers(application, user, answers, amount)
    except ops.ApplicationError as exc:
        raise ApiProblem(422, str(exc), code="application_refused") from None
    return application_out(application), 201, location(application)


def _applicant(user, body: CreateDraft) -> tuple[Organization | None, Person | None]:
    if not user.has_role("applicant"):
        raise ApiProblem(403)
    if body.organization_id is not None:
        organization = db.session.get(Organization, body.organization_id)
        if organization is None or not can_apply_as(user, organization):
            raise body_error("organization_id", "not found", "Lembaga tidak ditemukan.")
        return organization, None
    person = db.session.get(Person, body.person_id)
    if person is None or not can_apply_as(user, person):
        raise body_error("person_id", "not found", "Orang tidak ditemukan.")
    return None, person


@api.operation("GET", "/applications/<int:application_id>", summary="Application detail",
               tags=("applications",), response=ApplicationOut)
def get_application(user, application_id: int):
    """Answers, documents, stage and version of an application the token may see."""
    application = viewable(user, application_id)
    return application_out(application), 200, {"ETag": f'"{application.version}"'}


@api.operation("GET", "/applications/<int:application_id>/status", summary="Application status",
               tags=("applications",), response=StatusOut)
def get_status(user, application_id: int):
    """Where the application is now and which agency's task is open."""
    application = viewable(user, application_id)
    task = db.session.scalar(sa.select(StageTask).where(
        StageTask.application_id == application.id, StageTask.completed_dt.is_(None)))
    stage = workflow.definition_of(application).stage(application.stage)
    return StatusOut(
        id=application.id, number=application.number, stage=application.stage,
        stage_name=text(stage.name), outcome=application.outcome, version=application.version,
        open_task=TaskOut(stage=task.stage, agency=stage.agency, role=task.role,
                          due_dt=task.due_dt) if task else None,
    )


@api.operation("PATCH", "/applications/<int:application_id>/answers", summary="Save answers",
               tags=("applications",), roles=APPLICANT_ROLES, body=AnswersIn,
               response=ApplicationOut, errors=(409,))
def update_answers(user, application_id: int, body: AnswersIn):
    """Merge answers into the application while its stage lets the applicant edit."""
    application = viewable(user, application_id)
    if not is_applicant_of(user, application):
        raise ApiProblem(403)
    if not can_edit_application(user, application):
        raise ApiProblem(409, "Permohonan tidak dapat diubah pada tahap ini.", code="not_editable")
    try:
        answers, amount = checked_answers(application, body.answers, body.amount_requested)
        submission.save_answers(application, user, answers, amount)
    except ops.ApplicationError as exc:
        raise ApiProblem(409, str(exc), code="not_editable") from None
    return application_out(application)


@api.operation("GET", "/applications/<int:application_id>/history", summary="Decision history",
               tags=("applications",), query=pagination.PageQuery, response=DecisionPage)
def get_history(user, application_id: int, query: pagination.PageQuery):
    """Every transition fired on the application, oldest first."""
    application = viewable(user, application_id)
    after = pagination.decode(query.cursor) or 0
    rows = list(db.session.scalars(
        sa.select(Decision).where(Decision.application_id == application.id, Decision.id > after)
        .order_by(Decision.id).limit(query.limit + 1)))
    items, cursor = pagination.page_of(rows, query.limit, lambda d: d.id)
    return DecisionPage(items=[decision_out(d) for d in items], next_cursor=cursor)


@api.operation("GET", "/applications/<int:application_id>/eligibility",
               summary="Eligibility pre-check", tags=("applications",), response=EligibilityOut)
def get_eligibility(user, application_id: int):
    """The program's rules evaluated on the application as it stands (leaves no trace)."""
    application = viewable(user, application_id)
    defn = workflow.definition_of(application)
    results = precheck(defn, application)
    return EligibilityOut(program=f"{defn.key}@{defn.version}", passed=passed(results),
                          results=[RuleResultOut(**r) for r in results])
