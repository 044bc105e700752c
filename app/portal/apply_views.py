"""Applying: choose who applies, pre-check, the form in steps, documents, submit, later actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.applications import bank, workflow
from app.applications import submission as operations
from app.applications.facts import today
from app.applications.models import Application
from app.applications.operations import SELF_APPLICATION_REFUSED, ApplicationError
from app.applications.parties import kind_of
from app.applications.permissions import (
    can_act_as_applicant,
    can_apply_as,
    can_edit_application,
    is_applicant_of,
    stage_allows_bank_correction,
)
from app.common.web import get_or_404, require
from app.extensions import db
from app.organizations.models import Organization, Person
from app.organizations.operations import ProfileError, current_account
from app.portal import queries, repeats
from app.portal.blueprint import application_or_404, bp, desa_choices, lang
from app.programs.registry import registry
from app.registers import checks
from forms.declared import build_form_class, initial_data
from forms.portal import BankAccountForm, ReasonForm
from workflows.answers import answer_rows

STEPS = (("isian", "portal.form_step"), ("dokumen", "portal.documents_step"),
         ("kirim", "portal.submit_step"))


def _definition_or_404(key: str):
    defn = registry().current(key)
    if defn is None:
        abort(404)
    return defn


def _candidates(defn) -> list:
    """The profiles this user may apply with for this program."""
    orgs = [o for o in queries.my_organizations(current_user) if o.kind in defn.applicant_kinds]
    person = (db.session.get(Person, current_user.person_id)
              if current_user.person_id and "perorangan" in defn.applicant_kinds else None)
    return orgs + ([person] if person else [])


def _party_from(values) -> Organization | Person:
    if values.get("lembaga"):
        party = db.session.get(Organization, values.get("lembaga", type=int) or 0)
    elif values.get("pribadi") and current_user.person_id:
        party = db.session.get(Person, current_user.person_id)
    else:
        party = None
    require(can_apply_as(current_user, get_or_404(party)))
    return party


@bp.route("/program/<key>/ajukan")
@login_required
def choose(key: str):
    defn = _definition_or_404(key)
    if defn.refuses_self_application():
        return render_template("portal/choose.html", defn=defn, candidates=[],
                               refused=str(SELF_APPLICATION_REFUSED)), 403
    return render_template("portal/choose.html", defn=defn, candidates=_candidates(defn))


@bp.route("/program/<key>/cek")
@login_required
def precheck(key: str):
    defn = _definition_or_404(key)
    if defn.refuses_self_application():
        return redirect(url_for("portal.choose", key=key))
    party = _party_from(request.args)
    kind = kind_of(party if isinstance(party, Organization) else None)
    if kind not in defn.applicant_kinds:
        abort(404)
    preview = queries.preview_application(defn, party)
    return render_template(
        "portal/precheck.html", defn=defn, party=party, is_org=isinstance(party, Organization),
        results=queries.eligibility_report(defn, preview), period=queries.period_of(defn),
        today=today(), documents=queries.proposal_documents(defn, kind),
        register_check=checks.latest_check(party) if isinstance(party, Organization) else None)


@bp.route("/program/<key>/mulai", methods=["POST"])
@login_required
def start(key: str):
    defn = _definition_or_404(key)
    party = _party_from(request.form)
    is_org = isinstance(party, Organization)
    try:
        application = operations.start_application(
            current_user, defn.key, organization=party if is_org else None,
            person=None if is_org else party)
    except ApplicationError as refused:
        flash(str(refused), "error")
        return redirect(url_for("portal.choose", key=key))
    application_id = application.id  # read before the commit expires it (no reload)
    db.session.commit()
    flash(_("Draf permohonan dibuat. Isian Anda tersimpan setiap kali Anda menekan Simpan."),
          "success")
    return redirect(url_for("portal.form_step", application_id=application_id))


# ---------------------------------------------------------------- the form in steps


def _editable_or_404(application_id: int) -> Application:
    application = application_or_404(application_id)
    require(can_edit_application(current_user, application))
    return application


def _step_context(application: Application, step: str) -> dict:
    defn = workflow.definition_of(application)
    return {"application": application, "defn": defn, "step": step, "steps": STEPS,
            "revision": application.stage in defn.revision_stages}


def _program_form(application: Application):
    declaration = registry().form_of(workflow.definition_of(application))
    asks_desa = any(f.type == "desa" for f in declaration.fields)  # the list costs two queries
    choices = desa_choices(_("— pilih desa/kelurahan —")) if asks_desa else None
    form_class = build_form_class(declaration, desa_choices=choices)
    return form_class(data=initial_data(declaration, application.answers or {}))


@bp.route("/permohonan/<int:application_id>/isian", methods=["GET", "POST"])
@login_required
def form_step(application_id: int):
    application = _editable_or_404(application_id)
    form = _program_form(application)
    if form.validate_on_submit():
        try:
            operations.save_answers(application, current_user, form.checked.answers,
                                    form.checked.amount)
        except ApplicationError as refused:  # moved on meanwhile: the input stays on the page
            db.session.rollback()
            flash(str(refused), "error")
            return render_template("portal/form_step.html", form=form,
                                   **_step_context(application, "isian")), 409
        db.session.commit()
        flash(_("Isian tersimpan."), "success")
        if request.form.get("next") == "stay":  # the id from the URL: no reload after commit
            return redirect(url_for("portal.form_step", application_id=application_id))
        return redirect(url_for("portal.documents_step", application_id=application_id))
    status = 422 if form.is_submitted() else 200
    return render_template("portal/form_step.html", form=form,
                           **_step_context(application, "isian")), status


def _uploaded_files(allowed: list) -> list[tuple[str, str, bytes]]:
    files = []
    for requirement in allowed:
        chosen = request.files.getlist(f"doc-{requirement.type}")[: requirement.max_files]
        for storage in chosen:
            if storage.filename:
                files.append((requirement.type, storage.filename, storage.read()))
    return files


def _documents_context(application: Application) -> dict:
    defn = workflow.definition_of(application)
    return {"uploadable": queries.uploadable_documents(defn, application),
            "current": queries.current_documents(application),
            "files": queries.current_files(application),
            "earlier": queries.earlier_versions(application),
            "missing": {d.type for d in queries.missing_documents(defn, application)}}


@bp.route("/permohonan/<int:application_id>/dokumen", methods=["GET", "POST"])
@login_required
def documents_step(application_id: int):
    application = application_or_404(application_id)
    require(is_applicant_of(current_user, application))
    allowed = queries.uploadable_documents(workflow.definition_of(application), application)
    back = request.values.get("kembali") == "status"
    if request.method == "POST" and not allowed:
        return repeats.after_submission(current_user, application) or abort(404)
    if not allowed or (not back and not can_edit_application(current_user, application)):
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        files = _uploaded_files(allowed)
        if not files:
            errors["_form"] = _("Pilih minimal satu berkas untuk diunggah.")
        else:
            result = operations.upload(application, current_user, files)
            db.session.commit()
            errors = result.errors
            if result.stored:
                flash(ngettext("%(num)s berkas tersimpan.", "%(num)s berkas tersimpan.",
                               len(result.stored)), "success")
        if not errors:
            target = "portal.application" if back else "portal.documents_step"
            return redirect(url_for(target, application_id=application_id))
    if back:
        context = status_context(application)
        context["upload_errors"] = errors
        return render_template("portal/application.html", **context), 422 if errors else 200
    return render_template("portal/documents_step.html", errors=errors,
                           **_documents_context(application),
                           **_step_context(application, "dokumen")), 422 if errors else 200


def _answer_rows(application: Application) -> list[tuple[str, object]]:
    declaration = registry().form_of(workflow.definition_of(application))
    return answer_rows(declaration, application.answers or {}, lang())


def _submit_context(application: Application) -> dict:
    defn = workflow.definition_of(application)
    return {"answers": _answer_rows(application),
            "results": queries.eligibility_report(defn, application),
            "missing": queries.missing_documents(defn, application),
            "current": queries.current_documents(application),
            "due": queries.proposal_documents(defn, queries.applicant_kind(application)),
            "transition": operations.submission_transition(current_user, application),
            "period": queries.period_of(defn), "today": today()}


@bp.route("/permohonan/<int:application_id>/kirim", methods=["GET", "POST"])
@login_required
def submit_step(application_id: int):
    application = application_or_404(application_id)
    if request.method == "POST" and (repeat := repeats.after_submission(current_user, application)):
        return repeat
    require(can_edit_application(current_user, application))
    reasons: list[str] = []
    if request.method == "POST":
        try:
            operations.submit(application, current_user)
        except workflow.AlreadyHandled as stale:
            db.session.rollback()
            flash(stale.localized, "warning")
            return redirect(url_for("portal.application", application_id=application_id))
        except workflow.WorkflowRefused as refused:
            db.session.rollback()
            reasons = _reasons(refused)
            application = application_or_404(application_id)
        else:
            db.session.commit()
            flash(_("Permohonan terkirim. Anda akan diberi tahu setiap ada perkembangan."),
                  "success")
            return redirect(url_for("portal.application", application_id=application_id))
    return render_template("portal/submit_step.html", reasons=reasons,
                           **_submit_context(application),
                           **_step_context(application, "kirim")), 422 if reasons else 200


def _reasons(refused: workflow.WorkflowRefused) -> list[str]:
    """Every reason the engine gave (all refusing guards), in the page's language."""
    cause = refused.__cause__
    details = getattr(cause, "reasons", None)
    if details:
        return [r.get(lang()) or r.get("id") for r in details]
    return [refused.message_en if lang() == "en" else refused.message]


# ---------------------------------------------------------------- status page and later actions


def status_context(application: Application) -> dict:
    defn = workflow.definition_of(application)
    party = queries.party_of(application)
    stage = defn.stage(application.stage)
    actions = [t for t in workflow.available_actions(current_user, application)
               if not ("edit" in stage.applicant_may and t.submits)]
    is_org = isinstance(party, Organization)
    task = queries.open_task(application)
    return {
        "application": application, "defn": defn, "stage": stage, "party": party,
        "timeline": queries.timeline(application, lang(), _("Pemohon")),
        "task": task, "handler": queries.handler_name(task),
        "documents": queries.current_documents(application),
        "uploadable": queries.uploadable_documents(defn, application),
        "actions": [t for t in actions if t.action != "withdraw"],
        "withdraw": next((t for t in actions if t.action == "withdraw"), None),
        "can_edit": can_edit_application(current_user, application),
        "can_act": can_act_as_applicant(current_user, application),
        "revision": application.stage in defn.revision_stages,
        "bank_form": (BankAccountForm(formdata=None)
                      if stage_allows_bank_correction(application) else None),
        "account": current_account(organization=party if is_org else None,
                                   person=None if is_org else party),
        "disbursements": queries.disbursements(application),
        "reports": queries.reports(application), "reason_form": ReasonForm(formdata=None),
        "missing": {d.type for d in queries.missing_documents(defn, application)},
        "upload_errors": {}, "today": today(),
    }


@bp.route("/permohonan/<int:application_id>/aksi", methods=["POST"])
@login_required
def act(application_id: int):
    application = application_or_404(application_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    seen = request.form.get("version", type=int)
    if repeat := repeats.after_action(current_user, application, seen):
        return repeat
    require(can_act_as_applicant(current_user, application))
    try:
        operations.act(application, current_user, request.form.get("action", ""),
                       reason=form.reason.data, seen_version=seen)
    except workflow.WorkflowRefused as refused:
        db.session.rollback()
        for reason in _reasons(refused):
            flash(reason, "error")
        return redirect(url_for("portal.application", application_id=application_id))
    db.session.commit()
    flash(_("Terkirim. Tahap permohonan telah diperbarui."), "success")
    return redirect(url_for("portal.application", application_id=application_id))


@bp.route("/permohonan/<int:application_id>/rekening", methods=["POST"])
@login_required
def correct_bank(application_id: int):
    application = application_or_404(application_id)
    require(can_act_as_applicant(current_user, application))
    if not stage_allows_bank_correction(application):
        abort(404)
    form = BankAccountForm()
    if form.validate_on_submit():
        try:
            bank.correct_bank_account(application, current_user,
                                            bank_name=form.bank_name.data,
                                            number=form.number.data,
                                            holder_name=form.holder_name.data)
        except ProfileError as refused:
            form[refused.field or "holder_name"].errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("Rekening baru tersimpan. Rekening lama tetap tercatat."), "success")
            return redirect(url_for("portal.application", application_id=application_id))
    context = status_context(application)
    context["bank_form"] = form
    return render_template("portal/application.html", **context), 422


@bp.route("/permohonan/<int:application_id>")
@login_required
def application(application_id: int):
    app_row = application_or_404(application_id)
    return render_template("portal/application.html", **status_context(app_row))
