"""Operators: nominate people for any program that declares ``nomination:``, singly or from a
CSV/XLSX file (template downloadable per program); track their nominations."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.applications import nomination as nominations
from app.applications import workflow
from app.applications.nomination_rows import (
    PERSON_FACT_FIELDS,
    columns,
    template_csv,
    template_xlsx,
)
from app.applications.operations import ApplicationError
from app.applications.permissions import (
    can_nominate,
    nominating_programs,
)
from app.common.identifiers import mask_nik
from app.common.web import require
from app.extensions import db
from app.organizations.models import Person
from app.organizations.operations import ProfileError
from app.portal import queries, repeats
from app.portal.blueprint import bp, desa_choices
from app.programs.registry import registry
from forms.declared import build_form_class
from forms.portal import NominationForm, NominationUploadForm, as_yes_no

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _program_or_404(key: str | None):
    require(can_nominate(current_user))
    defn = nominations.program_for(current_user, key)
    if defn is None:
        abort(404)
    return defn


def _nomination_form(defn, formdata=...):
    """The identity fields, the person facts the rules read, and the declared form."""
    declared = build_form_class(registry().form_of(defn))
    form_class = type("ProgramNominationForm", (NominationForm, declared), {})
    form = form_class() if formdata is ... else form_class(formdata=formdata)
    if nominations.scope_desa(current_user, defn) is None:
        form.desa_code.choices = desa_choices(_("— pilih desa/kelurahan —"))
    else:
        delattr(form, "desa_code")
    read = {c.name for c in columns(defn)}
    for name, column in PERSON_FACT_FIELDS.items():
        if column not in read:
            delattr(form, name)
    return form


def _page(defn, form=None, upload_form=None, report=None, status=200):
    """The program's page for the office: the forms, and every nomination of the office, page
    by page (``halaman``), narrowed to one stage with ``tahap``."""
    stage = request.args.get("tahap") or None
    page = queries.office_nominations(current_user, defn.key, stage=stage,
                                      page=request.args.get("halaman", type=int))
    persons = {p.id: p for p in db.session.query(Person).filter(
        Person.id.in_([a.person_id for a in page.items]))} if page.items else {}
    rows = [(a, workflow.definition_of(a), mask_nik(persons[a.person_id].reveal_nik() or ""))
            for a in page.items]
    counts = queries.office_stage_counts(current_user, defn.key)
    stages = [(s, counts[s.key]) for s in defn.stages if counts.get(s.key)]
    return render_template(
        "portal/operator.html", defn=defn, form=form or _nomination_form(defn, None),
        upload_form=upload_form or NominationUploadForm(formdata=None), report=report,
        rows=rows, page=page, stage=stage, stages=stages, total=sum(counts.values()),
        desa=nominations.scope_desa(current_user, defn),
        others=[d for d in nominating_programs(current_user) if d.key != defn.key],
        tone=queries.stage_tone), status


@bp.route("/operator")
@login_required
def operator():
    require(can_nominate(current_user))
    programs = nominating_programs(current_user)
    if len(programs) != 1:
        return render_template("portal/operator_programs.html", programs=programs)
    return _page(programs[0])


@bp.route("/operator/<key>")
@login_required
def operator_program(key: str):
    return _page(_program_or_404(key))


@bp.route("/operator/<key>/templat.<fmt>")
@login_required
def nomination_template(key: str, fmt: str):
    defn = _program_or_404(key)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    body = template_csv(defn) if fmt == "csv" else template_xlsx(defn)
    mimetype = "text/csv" if fmt == "csv" else XLSX
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="usulan_{defn.key}.{fmt}"'})


def _row(defn, form) -> dict:
    """The form as a row of the program's file: one path of checks for both."""
    # the operator's own desa, or (a school operator) the one chosen on the form
    scope = nominations.scope_desa(current_user, defn)
    desa = form.desa_code.data if "desa_code" in form else scope
    row = {"nama": form.full_name.data, "nik": form.nik.data, "kode_desa": desa or "",
           "alamat": form.address.data, "no_hp": form.phone.data, "npwp": form.npwp.data,
           "bank": form.bank_name.data, "no_rekening": form.bank_number.data}
    for name, column in PERSON_FACT_FIELDS.items():
        if name in form:
            data = form[name].data
            row[column] = data.isoformat() if hasattr(data, "isoformat") else data
    for key, value in form.checked.answers.items():
        row[defn.nomination.column_of(key)] = as_yes_no(value) if isinstance(value, bool) else value
    return row


def _back_to_page(defn):
    """A GET on a form's address (the page after a refused POST, reloaded): the program's
    page, not a 405."""
    return redirect(url_for("portal.operator_program", key=defn.key))


@bp.route("/operator/usulan", methods=["GET", "POST"], defaults={"key": None})
@bp.route("/operator/<key>/usulan", methods=["GET", "POST"])
@login_required
def nominate(key: str | None):
    defn = _program_or_404(key)
    if request.method == "GET":
        return _back_to_page(defn)
    form = _nomination_form(defn)
    if form.validate_on_submit():
        earlier = repeats.earlier_nomination(current_user, form.nik.data)
        if earlier is not None:  # the same form sent twice: show where the first one led
            flash(_("Usulan ini sudah tersimpan sebelumnya."), "info")
            return redirect(url_for("portal.documents_step", application_id=earlier.id), 303)
        try:
            application, unmet = nominations.nominate_one(current_user, defn, _row(defn, form))
        except nominations.RowRefused as refused:  # beside its field, else beside the NIK
            field = form._fields.get(refused.field or "", form.nik)
            field.errors.append(str(refused))
        except (ProfileError, ApplicationError) as refused:
            form.full_name.errors.append(getattr(refused, "message", str(refused)))
        else:
            db.session.commit()
            flash(_("Usulan tersimpan sebagai draf. Unggah dokumennya lalu kirim."), "success")
            outcome = nominations.RowOutcome(0, "", True, "", application.id, unmet)
            if not outcome.eligible:
                flash(_("Belum memenuhi syarat: %(reasons)s",
                        reasons="; ".join(outcome.reasons())), "error")
            return redirect(url_for("portal.documents_step", application_id=application.id))
    return _page(defn, form=form, status=422)


@bp.route("/operator/unggah", methods=["GET", "POST"], defaults={"key": None})
@bp.route("/operator/<key>/unggah", methods=["GET", "POST"])
@login_required
def nominate_file(key: str | None):
    defn = _program_or_404(key)
    if request.method == "GET":
        return _back_to_page(defn)
    upload_form = NominationUploadForm()
    if not upload_form.validate_on_submit():
        return _page(defn, upload_form=upload_form, status=422)
    storage = upload_form.file.data
    report = nominations.import_file(current_user, defn, storage.filename or "", storage.read())
    db.session.commit()
    status = 422 if report.error or not report.accepted else 200
    return _page(defn, report=report, status=status)
