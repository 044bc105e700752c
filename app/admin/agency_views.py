"""Administration of agencies (OPD): list, add, rename. Program definitions name them by code."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.agencies import operations as ops
from app.common.web import get_or_404
from app.extensions import db
from app.programs import operations as programs
from app.programs.registry import registry
from app.staff.permissions import for_roles
from forms.admin import AgencyForm, RenameAgencyForm

bp = Blueprint("admin_agencies", __name__, url_prefix="/admin/opd")


def _list_page(form: AgencyForm | None = None, status: int = 200):
    return render_template(
        "admin/agencies.html", agencies=ops.all_agencies(), form=form or AgencyForm(formdata=None)
    ), status


@bp.route("/")
@for_roles("admin")
def agencies():
    return _list_page()


@bp.route("/", methods=["POST"])
@for_roles("admin")
def add():
    form = AgencyForm()
    if not form.validate():
        return _list_page(form, 422)
    try:
        agency = ops.add_agency(form.code.data, form.name.data, actor=current_user)
    except ops.AgencyRefused as refused:
        db.session.rollback()
        getattr(form, refused.field or "code").errors = [refused.message]
        return _list_page(form, 422)
    synced = programs.sync_programs_naming(agency.code, registry().current_definitions())
    db.session.commit()
    flash(_("OPD %(code)s ditambahkan.", code=agency.code), "success")
    if synced:
        flash(_("Program yang menunggu OPD ini kini tercatat: %(keys)s.", keys=", ".join(synced)),
              "success")
    return redirect(url_for("admin_agencies.agencies"))


def _agency_page(code: str, form: RenameAgencyForm | None = None, status: int = 200):
    agency = get_or_404(ops.agency_by_code(code))
    form = form or RenameAgencyForm(formdata=None, obj=agency)
    return render_template("admin/agency.html", agency=agency, form=form), status


@bp.route("/<code>")
@for_roles("admin")
def agency(code: str):
    return _agency_page(code)


@bp.route("/<code>", methods=["POST"])
@for_roles("admin")
def rename(code: str):
    get_or_404(ops.agency_by_code(code))
    form = RenameAgencyForm()
    if not form.validate():
        return _agency_page(code, form, 422)
    try:
        ops.rename_agency(code, form.name.data, actor=current_user)
    except ops.AgencyRefused as refused:
        db.session.rollback()
        form.name.errors = [refused.message]
        return _agency_page(code, form, 422)
    db.session.commit()
    flash(_("Nama OPD %(code)s diperbarui.", code=code), "success")
    return redirect(url_for("admin_agencies.agencies"))
