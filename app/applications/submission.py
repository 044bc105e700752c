"""Applicant-side operations: start, fill, upload, submit and act. They flush and never commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.accounts.models import User
from app.applications import documents, workflow
from app.applications import operations as applications
from app.applications.models import Application, Decision
from app.applications.parties import Parties
from app.applications.queries import applicant_kind
from app.extensions import db
from app.organizations.models import Organization, Person
from app.programs.registry import registry
from workflows import Transition
from workflows.answers import missing_answers
from workflows.guards import fits_applicant_kind


@dataclass
class UploadResult:
    stored: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def start_application(user: User, key: str, *, organization: Organization | None = None,
                      person: Person | None = None) -> Application:
    """A draft pinned to the program's current definition, prefilled from the profile."""
    application = applications.create_draft(key, owner=user, organization=organization,
                                            person=person)
    prefill = {}
    if organization is not None and (organization.profile or {}).get("resident_santri") is not None:
        prefill["resident_santri"] = organization.profile["resident_santri"]
    if prefill:
        applications.update_answers(application, user, prefill)
    return application


def save_answers(application: Application, user: User, answers: dict,
                 amount_requested: int | None) -> Application:
    return applications.update_answers(application, user, answers,
                                       amount_requested=amount_requested)


def upload(application: Application, user: User,
           files: list[tuple[str, str, bytes]]) -> UploadResult:
    """Attach each (doc_type, filename, content); a refused file leaves the others stored."""
    result = UploadResult()
    for doc_type, filename, content in files:
        try:
            with db.session.begin_nested():
                documents.attach(application, doc_type, filename, content, user)
        except documents.DocumentRejected as refused:
            result.errors[doc_type] = str(refused)
        else:
            result.stored.append(doc_type)
    return result


def submission_transition(user: User, application: Application,
                          parties: Parties | None = None) -> Transition | None:
    """The applicant's forward step here: a submitting transition (``submits: true``, fired from
    the form's last step) or the way back from a revision stage (a corrected bank account).
    Where several submit, the one meant for this kind of applicant (Beasiswa MBR: a school
    submits the confirmed application, a parent the plain one)."""
    kind = parties.applicant_kind if parties is not None else applicant_kind(application)
    submitting = [t for t in workflow.available_actions(user, application)
                  if t.submits or t.returns_to_sender]
    return next((t for t in submitting if fits_applicant_kind(t, kind)), None)


def _fields_from_answers(transition: Transition, application: Application) -> dict:
    answers = application.answers or {}
    return {spec.name: answers[spec.name] for spec in transition.requires_fields
            if answers.get(spec.name) is not None}


def submit(application: Application, user: User) -> Decision:
    parties = Parties.of(application)  # read once: the kind here, then the facts and checks
    transition = submission_transition(user, application, parties)
    if transition is None:
        raise workflow.WorkflowRefused(
            "unknown_action", "Permohonan ini tidak dapat dikirim pada tahap ini.",
            "This application cannot be sent at this stage.")
    _refuse_missing_answers(application)
    return workflow.fire(application, transition.action, user,
                         fields=_fields_from_answers(transition, application),
                         seen_version=application.version, parties=parties)


def _refuse_missing_answers(application: Application) -> None:
    """A required answer of the declared form that is still empty stops the submission."""
    declaration = registry().form_of(workflow.definition_of(application))
    missing = missing_answers(declaration, application.answers or {})
    if missing:
        raise workflow.WorkflowRefused(
            "fields_missing",
            "Isian wajib belum lengkap: " + ", ".join(f.label.id for f in missing) + ".",
            "Required answers are missing: " + ", ".join(f.label.en for f in missing) + ".")


def act(application: Application, user: User, action: str, *, reason: str | None,
        seen_version: int | None) -> Decision:
    """Fire one of the applicant's own transitions (sign, submit_report, submit_lpj, withdraw…)."""
    allowed = {t.action for t in workflow.available_actions(user, application)}
    if action not in allowed:
        raise workflow.WorkflowRefused(
            "unknown_action", "Tindakan ini tidak tersedia untuk Anda pada tahap ini.",
            "This action is not available to you at this stage.")
    transition = workflow.definition_of(application).find_transition(application.stage, action)
    return workflow.fire(application, action, user, reason=reason,
                         fields=_fields_from_answers(transition, application),
                         seen_version=seen_version)
