"""Staff workspace: one application — its page, deciding an action, revealing a NIK, reading
a document — and claiming, releasing or handing over its open task."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.applications import review as ops
from app.applications import workflow
from app.applications.documents import DocumentRejected
from app.applications.downloads import document_response
from app.applications.effects import EffectError
from app.applications.models import Application, Document, StageTask
from app.applications.permissions import (
    WORK_ROLES,
    can_reveal_nik,
    can_view_case,
    can_view_case_document,
    can_work_task,
    reveal_needs_reason,
)
from app.applications.queries import repeated_decision
from app.common.web import get_or_404, require
from app.extensions import db
from app.organizations.models import Person
from app.programs.registry import registry
from app.staff import filters
from app.staff.blueprint import bp
from app.staff.case import colleagues, load_case
from app.staff.permissions import (
    CASE_ROLES,
    DECIDE_ROLES,
    READ_ROLES,
    can_assign,
    for_roles,
    worklist_endpoint,
)
from forms.choices import options
from forms.staff import (
    ActionForm,
    AssignForm,
    NikReasonForm,
    RevealNikForm,
    action_form,
    field_values,
    geo_of,
)
from workflows import Transition
from workflows.answers import answer_rows

MIN_REASON = 10  # characters of an auditor's stated reason for a full-NIK reveal


REFUSED = (workflow.WorkflowRefused, ops.StaffRefused, EffectError, DocumentRejected)


# --- one application -------------------------------------------------------------------------


def _case_or_404(application_id: int) -> Application:
    application = get_or_404(db.session.get(Application, application_id))
    require(can_view_case(current_user, application))
    return application


def render_case(
    application: Application,
    *,
    forms: dict[str, ActionForm] | None = None,
    revealed_nik: str | None = None,
    nik_form: NikReasonForm | None = None,
    status: int = 200,
    failed: str | None = None,
):
    case = load_case(current_user, application, forms)
    assign_form = AssignForm()
    assign_form.assignee.choices = options((u.id, u.full_name) for u in case.colleagues)
    body = render_template(
        "staff/application.html",
        case=case,
        application=application,
        revealed_nik=revealed_nik,
        nik_form=nik_form or NikReasonForm(),
        assign_form=assign_form,
        failed=failed,
        answers=answer_rows(
            registry().form_of(workflow.definition_of(application)),
            application.answers or {},
            "en" if g.get("lang") == "en" else "id",
        ),
        may_reveal=case.person is not None and can_reveal_nik(current_user, application),
        reveal_needs_reason=reveal_needs_reason(current_user, application),
        regions=filters.region_names(
            {c for c in (application.desa_code, application.kecamatan_code) if c}
        ),
    )
    return body, status


@bp.route("/permohonan/<int:application_id>")
@for_roles(*CASE_ROLES)
def application(application_id: int):
    return render_case(_case_or_404(application_id))


def _transition_for(application: Application, action: str) -> tuple[Transition, bool]:
    """(transition, available now); a stale page still gets its form back with a message."""
    for transition in workflow.available_actions(current_user, application):
        if transition.action == action:
            return transition, True
    defn = workflow.definition_of(application)
    for transition in defn.transitions:
        if transition.action == action and any(current_user.has_role(r) for r in transition.roles):
            return transition, False
    abort(404)


def _uploads(form: ActionForm) -> list[ops.Upload]:
    geo = geo_of(form)
    uploads = []
    for doc_type in form.transition.requires_documents:
        storage = form[f"doc__{doc_type}"].data
        if storage is not None and getattr(storage, "filename", ""):
            uploads.append(
                ops.Upload(
                    doc_type, storage.filename, storage.read(), meta={"geo": geo} if geo else None
                )
            )
    return uploads


@bp.route("/permohonan/<int:application_id>/aksi/<action>", methods=["POST"])
@for_roles(*DECIDE_ROLES)
def act(application_id: int, action: str):
    application = _case_or_404(application_id)
    transition, available = _transition_for(application, action)
    defn = workflow.definition_of(application)
    form = action_form(transition, {d.type: d for d in defn.documents})
    valid = form.validate()
    seen = int(form.seen_version.data) if (form.seen_version.data or "").isdigit() else None
    if not available and repeated_decision(current_user.id, application, seen, action):
        # a second tap (or a resent form) of the decision this reviewer just made
        flash(_('Keputusan "%(label)s" untuk %(number)s sudah tersimpan sebelumnya.',
                label=filters.text(transition.label), number=application.number), "info")
        return redirect(url_for(worklist_endpoint(current_user)))
    if not available:
        stale = form.seen_version.data and form.seen_version.data != str(application.version)
        form.form_errors.append(
            workflow.AlreadyHandled().localized
            if stale
            else _("Aksi ini tidak tersedia untuk Anda pada tahap ini.")
        )
        return render_case(application, forms={action: form}, status=409, failed=action)
    if not valid:
        return render_case(application, forms={action: form}, status=422, failed=action)
    try:
        ops.decide(
            application,
            action,
            current_user,
            reason=form.reason_text(),
            fields=field_values(form),
            seen_version=seen,
            uploads=_uploads(form),
        )
    except workflow.AlreadyHandled as handled:
        db.session.rollback()
        form.form_errors.append(handled.localized)
        return render_case(application, forms={action: form}, status=409, failed=action)
    except REFUSED as refused:
        db.session.rollback()
        form.form_errors.append(ops.refusal_text(refused))
        return render_case(application, forms={action: form}, status=422, failed=action)
    db.session.commit()
    flash(
        _(
            'Keputusan "%(label)s" untuk %(number)s tersimpan.',
            label=filters.text(transition.label),
            number=application.number,
        ),
        "success",
    )
    return redirect(url_for(worklist_endpoint(current_user)))


@bp.route("/permohonan/<int:application_id>/nik", methods=["POST"])
@for_roles(*READ_ROLES)
def reveal_nik(application_id: int):
    application = _case_or_404(application_id)
    person = get_or_404(db.session.get(Person, application.person_id or 0))
    form = NikReasonForm()
    require(can_reveal_nik(current_user, application) and form.is_submitted())
    if not form.validate():
        return render_case(application, nik_form=form, status=422)
    reason = form.stated_reason()
    if reveal_needs_reason(current_user, application) and len(reason) < MIN_REASON:
        form.alasan.errors = [_("Sebutkan alasan pemeriksaan (minimal %(n)s karakter).",
                                n=MIN_REASON)]
        return render_case(application, nik_form=form, status=422)
    nik = ops.reveal_nik(current_user, person, application, stated_reason=reason)
    db.session.commit()
    return render_case(application, revealed_nik=nik)


@bp.route("/permohonan/<int:application_id>/dokumen/<int:document_id>")
@for_roles(*CASE_ROLES)
def document(application_id: int, document_id: int):
    """Inline preview for staff; each read is recorded. PDFs may be framed by our own pages."""
    application = _case_or_404(application_id)
    doc = get_or_404(db.session.get(Document, document_id))
    require(doc.application_id == application.id and can_view_case_document(current_user, doc))
    ops.record_document_read(current_user, application, doc.doc_type)
    db.session.commit()
    response = document_response(doc, attachment=request.args.get("unduh") == "1")
    if doc.content_type == "application/pdf":
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


# --- claiming --------------------------------------------------------------------------------


def _task_or_404(task_id: int) -> StageTask:
    task = get_or_404(db.session.get(StageTask, task_id))
    require(can_view_case(current_user, task.application))
    return task


def _back(task: StageTask):
    target = request.form.get("kembali")
    if target == "antrean":
        return redirect(url_for(worklist_endpoint(current_user)))
    return redirect(url_for("staff.application", application_id=task.application_id))


@bp.route("/tugas/<int:task_id>/ambil", methods=["POST"])
@for_roles(*DECIDE_ROLES)
def claim(task_id: int):
    task = _task_or_404(task_id)
    require(RevealNikForm().validate_on_submit(), hide=False)
    try:
        ops.claim(task, current_user)
        db.session.commit()
        flash(_("Berkas %(number)s Anda ambil.", number=task.application.number), "success")
    except ops.StaffRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
    return _back(task)


@bp.route("/tugas/<int:task_id>/lepas", methods=["POST"])
@for_roles(*DECIDE_ROLES)
def release(task_id: int):
    task = _task_or_404(task_id)
    require(can_work_task(current_user, task))
    try:
        ops.release(task, current_user)
        db.session.commit()
        flash(_("Berkas dilepas ke antrean."), "success")
    except ops.StaffRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
    return _back(task)


@bp.route("/tugas/<int:task_id>/serahkan", methods=["POST"])
@for_roles(*WORK_ROLES)
def assign(task_id: int):
    task = _task_or_404(task_id)
    require(can_assign(current_user, task))
    form = AssignForm()
    form.assignee.choices = options((u.id, u.full_name) for u in colleagues(task))
    if not form.validate_on_submit():
        flash(_("Pilih petugas yang akan menangani berkas ini."), "error")
        return _back(task)
    try:
        ops.assign(task, db.session.get(User, form.assignee.data), current_user)
        db.session.commit()
        flash(_("Berkas diserahkan."), "success")
    except ops.StaffRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
    return _back(task)
