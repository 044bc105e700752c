"""Village operators: nominate guru ngaji residents singly or from a file; track nominations."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.applications import nomination as nominations
from app.applications import workflow
from app.applications.operations import ApplicationError
from app.applications.permissions import can_nominate, operator_desa
from app.common.identifiers import mask_nik
from app.common.web import require
from app.extensions import db
from app.organizations.models import Person
from app.organizations.operations import ProfileError
from app.portal import queries, repeats
from app.portal.blueprint import bp
from forms.portal import NominationForm, NominationUploadForm, yes_no


def _page(form=None, upload_form=None, report=None, status=200):
    applications = [a for a in queries.my_applications(current_user)
                    if a.nominated_by_user_id == current_user.id]
    persons = {p.id: p for p in db.session.query(Person).filter(
        Person.id.in_([a.person_id for a in applications]))} if applications else {}
    rows = [(a, workflow.definition_of(a), mask_nik(persons[a.person_id].reveal_nik() or ""))
            for a in applications]
    return render_template(
        "portal/operator.html", form=form or NominationForm(formdata=None),
        upload_form=upload_form or NominationUploadForm(formdata=None), report=report,
        rows=rows, desa=operator_desa(current_user), tone=queries.stage_tone), status


@bp.route("/operator")
@login_required
def operator():
    require(can_nominate(current_user))
    return _page()


@bp.route("/operator/usulan", methods=["POST"])
@login_required
def nominate():
    require(can_nominate(current_user))
    form = NominationForm()
    if form.validate_on_submit():
        values = {f.name: f.data for f in form if f.type not in ("CSRFTokenField",)}
        values["is_civil_servant"] = yes_no(values["is_civil_servant"])
        values["has_fixed_income"] = yes_no(values["has_fixed_income"])
        earlier = repeats.earlier_nomination(current_user, values["nik"])
        if earlier is not None:  # the same form sent twice: show where the first one led
            flash(_("Usulan ini sudah tersimpan sebelumnya."), "info")
            return redirect(url_for("portal.documents_step", application_id=earlier.id), 303)
        try:
            application = nominations.nominate_one(current_user, values)
        except nominations.RowRefused as refused:
            form.nik.errors.append(str(refused))
        except (ProfileError, ApplicationError) as refused:
            form.full_name.errors.append(getattr(refused, "message", str(refused)))
        else:
            db.session.commit()
            flash(_("Usulan tersimpan sebagai draf. Unggah dokumennya lalu kirim."), "success")
            return redirect(url_for("portal.documents_step", application_id=application.id))
    return _page(form=form, status=422)


@bp.route("/operator/unggah", methods=["POST"])
@login_required
def nominate_file():
    require(can_nominate(current_user))
    upload_form = NominationUploadForm()
    if not upload_form.validate_on_submit():
        return _page(upload_form=upload_form, status=422)
    storage = upload_form.file.data
    report = nominations.import_file(current_user, storage.filename or "", storage.read())
    db.session.commit()
    status = 422 if report.error or not report.accepted else 200
    return _page(report=report, status=status)
