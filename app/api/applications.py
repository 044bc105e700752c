"""Applications: create a draft, save answers, upload documents, submit, withdraw, read status,
history and the eligibility pre-check; list and fire the transitions allowed now.

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
from werkzeug.datastructures import FileStorage

from app.api import pagination
from app.api.blueprint import api
from app.api.problems import ApiProblem
from app.api.programs import TransitionOut, transition_out
from app.api.schemas import In, Out, Text, text
from app.applications import bank, documents, review, submission, workflow
from app.applications import operations as ops
from app.applications.effects import EffectError
from app.applications.eligibility import passed, precheck
from app.applications.models import Application, Decision, Document, StageTask
from app.applications.permissions import (
    can_act_as_applicant,
    can_apply_as,
    can_edit_application,
    can_upload_document,
    can_view_application,
    is_applicant_of,
    stage_allows_bank_correction,
)
from app.common.identifiers import IdentifierError, normalize_bank_account
from app.extensions import db
from app.organizations.models import Organization, Person
from app.organizations.operations import ProfileError
from app.programs.budget import BudgetExceeded
from app.programs.registry import registry
from workflows.answers import validate_answers

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
AnswerKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
AnswerValue = Annotated[str, StringConstraints(max_length=2000)] | int | float | bool | None
Answers = Annotated[dict[AnswerKey, AnswerValue], Field(max_length=100)]
Money = Annotated[int, Field(ge=0, le=10**13)]
Reason = Annotated[str, StringConstraints(max_length=2000)]
FieldValues = Annotated[dict[Annotated[str, StringConstraints(max_length=60)], Any],
                        Field(max_length=50)]

#: engine refusal codes → HTTP status (the rest are 409: the application's state forbids it)
REFUSAL_STATUS = {"role": 403, "agency": 403, "separation_of_duties": 403,
                  "reason_required": 422, "fields_missing": 422, "fields_invalid": 422}


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


class WithdrawIn(In):
    reason: Reason | None = None


class TransitionIn(In):
    action: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    reason: Reason | None = None
    fields: FieldValues = Field(default_factory=dict)
    seen_version: Annotated[int, Field(ge=1, le=10**9)] | None = Field(
        None, description="The `version` you saw; or send it in `If-Match`")


class UploadForm(In):
    doc_type: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    file: Any = Field(None, description="The file (PDF, JPG or PNG as the program accepts)")


class BankAccountIn(In):
    bank_name: Annotated[str, StringConstraints(min_length=2, max_length=80)]
    number: Annotated[str, StringConstraints(max_length=40)] = Field(
        description="10-16 digits (spaces, dots and dashes are removed); stored encrypted")
    holder_name: Annotated[str, StringConstraints(min_length=2, max_length=150)] = Field(
        description="Must match the applicant's name as written in the bank book")


class BankAccountOut(Out):
    id: int
    bank_name: str
    holder_name: str
    number_last4: str = Field(description="The rest of the number is never returned")
    status: str
    is_current: bool
    created_dt: datetime


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


class ActionsOut(Out):
    version: int
    items: list[TransitionOut]


class FiredOut(Out):
    decision: DecisionOut
    application: ApplicationOut


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


def _body_error(field: str, message: str, detail: str) -> ApiProblem:
    return ApiProblem(422, detail, code="validation_failed",
                      errors=[{"field": f"body.{field}", "message": message}])


def checked_answers(application: Application, given: dict,
                    amount: int | None) -> tuple[dict, int | None]:
    """The answers checked against the program's declared form (``GET /programs/{key}/form``);
    a draft may leave required answers for later, submitting may not."""
    declaration = registry().form_of(workflow.definition_of(application))
    checked = validate_answers(declaration, given, existing=application.answers, partial=True)
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
        raise _body_error("program_key", "unknown program", "Program tidak ditemukan.")
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
            raise _body_error("organization_id", "not found", "Lembaga tidak ditemukan.")
        return organization, None
    person = db.session.get(Person, body.person_id)
    if person is None or not can_apply_as(user, person):
        raise _body_error("person_id", "not found", "Orang tidak ditemukan.")
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


@api.operation("POST", "/applications/<int:application_id>/documents",
               summary="Upload a document", tags=("applications",), form=UploadForm,
               files=("file",), response=DocumentOut, status=201, idempotent=True)
def upload_document(user, application_id: int, form: UploadForm):
    """Multipart upload (`doc_type`, `file`). The type is checked by content, not by name; an
    earlier version of the same type is kept for the record."""
    application = viewable(user, application_id)
    defn = workflow.definition_of(application)
    if defn.document(form.doc_type) is None:
        raise ApiProblem(422, "Jenis dokumen tidak dikenal untuk program ini.",
                         code="validation_failed",
                         errors=[{"field": "form.doc_type", "message": "unknown document type"}])
    if not can_upload_document(user, application, defn, form.doc_type):
        raise ApiProblem(403, "Dokumen ini tidak dapat diunggah oleh token ini pada tahap ini.")
    upload = form.file
    if not isinstance(upload, FileStorage) or not upload.filename:
        raise ApiProblem(422, "Pilih berkas.", code="validation_failed",
                         errors=[{"field": "form.file", "message": "file required"}])
    try:
        document = documents.attach(application, form.doc_type, upload.filename, upload.read(),
                                    user)
    except documents.DocumentRejected as exc:
        raise ApiProblem(422, str(exc), code="document_rejected",
                         errors=[{"field": "form.file", "message": str(exc)}]) from None
    return document_out(document), 201


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


@api.operation("PUT", "/applications/<int:application_id>/bank-account",
               summary="Correct the bank account", tags=("applications",),
               roles=APPLICANT_ROLES, body=BankAccountIn, response=BankAccountOut,
               idempotent=True, errors=(409,))
def correct_bank_account(user, application_id: int, body: BankAccountIn):
    """Record a new current account for the applicant, where the stage allows it (the
    agreement, or after BPKAD reports a failed transfer). The earlier account stays on
    record; the transfer is retried to the new one once finance confirms it."""
    application = viewable(user, application_id)
    if not can_act_as_applicant(user, application):
        raise ApiProblem(403)
    if not stage_allows_bank_correction(application):
        raise ApiProblem(409, "Rekening tidak dapat diubah pada tahap ini.",
                         code="not_correctable")
    try:
        number = normalize_bank_account(body.number)
    except IdentifierError as err:
        raise _body_error("number", err.message_en, err.message_id) from None
    try:
        account = bank.correct_bank_account(application, user, bank_name=body.bank_name,
                                                  number=number, holder_name=body.holder_name)
    except ProfileError as refused:
        raise _body_error(refused.field or "holder_name", str(refused), str(refused)) from None
    return BankAccountOut.model_validate(account, from_attributes=True), 200


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
