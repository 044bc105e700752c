"""Administration: program periods, budgets, quotas, users and role assignments, imports."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import operations as accounts
from app.accounts import scopes
from app.accounts.models import RoleAssignment, User
from app.accounts.roles import APPLICANT
from app.admin import operations as ops
from app.agencies.operations import all_agencies
from app.common.web import get_or_404, require
from app.extensions import db
from app.programs.models import Program, ProgramBudget, RegionQuota
from app.programs.registry import registry
from app.regions.models import Region
from app.registers.importing import import_file
from app.registers.models import RegisterImport
from app.registers.operations import RegisterFileError
from app.staff.permissions import for_roles
from forms.admin import (
    BudgetForm,
    EmptyForm,
    GrantRoleForm,
    ProgramPeriodForm,
    QuotaForm,
    RegisterImportForm,
    StaffUserForm,
    agency_choices,
)
from forms.choices import SelectChoice, options

bp = Blueprint("admin", __name__, url_prefix="/admin")
USERS_PAGE = 50


@bp.route("/")
@for_roles("admin")
def index():
    return render_template("admin/index.html")


# --- programs --------------------------------------------------------------------------------


@bp.route("/program")
@for_roles("admin")
def programs():
    rows = db.session.scalars(sa.select(Program).order_by(Program.name)).all()
    budgets = db.session.scalars(
        sa.select(ProgramBudget).order_by(
            ProgramBudget.program_key, ProgramBudget.fiscal_year.desc()
        )
    ).all()
    return render_template("admin/programs.html", programs=rows, budgets=budgets)


def _quota_choices(program: Program) -> list[SelectChoice]:
    defn = registry().current(program.key)
    level = (
        ("desa", "kelurahan")
        if defn and defn.quota and defn.quota.per == "desa"
        else ("kecamatan",)
    )
    regions = db.session.execute(
        sa.select(Region.code, Region.name).where(Region.level.in_(level)).order_by(Region.code)
    ).all()
    return options((code, f"{code} {name}") for code, name in regions)


def _program_page(program: Program, *, period=None, budget=None, quota=None, status: int = 200):
    period = period or ProgramPeriodForm(obj=program, formdata=None)
    budget = budget or BudgetForm(formdata=None)
    quota = quota or QuotaForm(formdata=None)
    quota.region_code.choices = _quota_choices(program)
    budgets = db.session.scalars(
        sa.select(ProgramBudget)
        .where(ProgramBudget.program_key == program.key)
        .order_by(ProgramBudget.fiscal_year.desc())
    ).all()
    quotas = db.session.scalars(
        sa.select(RegionQuota)
        .where(RegionQuota.program_key == program.key)
        .order_by(RegionQuota.fiscal_year.desc(), RegionQuota.region_code)
        .limit(500)
    ).all()
    return render_template(
        "admin/program.html",
        program=program,
        period=period,
        budget=budget,
        quota=quota,
        budgets=budgets,
        quotas=quotas,
        definition=registry().current(program.key),
    ), status


@bp.route("/program/<key>")
@for_roles("admin")
def program(key: str):
    return _program_page(get_or_404(db.session.get(Program, key)))


@bp.route("/program/<key>/periode", methods=["POST"])
@for_roles("admin")
def program_period(key: str):
    program = get_or_404(db.session.get(Program, key))
    form = ProgramPeriodForm()
    if not form.validate():
        return _program_page(program, period=form, status=422)
    try:
        ops.update_program(
            program,
            current_user,
            is_open=form.is_open.data,
            opens=form.window_opens.data,
            closes=form.window_closes.data,
        )
    except ops.AdminRefused as refused:
        db.session.rollback()
        form[refused.field].errors = [refused.message] if refused.field else []
        return _program_page(program, period=form, status=422)
    db.session.commit()
    flash(_("Periode program disimpan."), "success")
    return redirect(url_for("admin.program", key=key))


@bp.route("/program/<key>/pagu", methods=["POST"])
@for_roles("admin")
def program_budget(key: str):
    program = get_or_404(db.session.get(Program, key))
    form = BudgetForm()
    if not form.validate():
        return _program_page(program, budget=form, status=422)
    try:
        ops.set_ceiling(
            program, current_user, fiscal_year=form.fiscal_year.data, ceiling=form.ceiling.data
        )
    except ops.AdminRefused as refused:
        db.session.rollback()
        form.ceiling.errors = [refused.message]
        return _program_page(program, budget=form, status=422)
    db.session.commit()
    flash(_("Pagu disimpan."), "success")
    return redirect(url_for("admin.program", key=key))


@bp.route("/program/<key>/kuota", methods=["POST"])
@for_roles("admin")
def program_quota(key: str):
    program = get_or_404(db.session.get(Program, key))
    form = QuotaForm()
    form.region_code.choices = _quota_choices(program)
    if not form.validate():
        return _program_page(program, quota=form, status=422)
    try:
        ops.set_quota(
            program,
            current_user,
            fiscal_year=form.fiscal_year.data,
            region_code=form.region_code.data,
            max_count=form.max_count.data,
        )
    except ops.AdminRefused as refused:
        db.session.rollback()
        form[refused.field or "max_count"].errors = [refused.message]
        return _program_page(program, quota=form, status=422)
    db.session.commit()
    flash(_("Kuota disimpan."), "success")
    return redirect(url_for("admin.program", key=key))


# --- users -----------------------------------------------------------------------------------


def _users_page(form: StaffUserForm | None = None, status: int = 200):
    after = request.args.get("setelah", type=int) or 0
    staff = sa.select(RoleAssignment.user_id).where(RoleAssignment.role != APPLICANT)
    users = db.session.scalars(
        sa.select(User)
        .where(User.id.in_(staff), User.id > after)
        .order_by(User.id)
        .limit(USERS_PAGE + 1)
    ).all()
    more = len(users) > USERS_PAGE
    users = users[:USERS_PAGE]
    next_url = url_for("admin.users", setelah=users[-1].id) if more else None
    return render_template(
        "admin/users.html",
        users=users,
        form=_with_agencies(form or StaffUserForm(formdata=None)),
        next_url=next_url,
    ), status


@bp.route("/pengguna")
@for_roles("admin")
def users():
    return _users_page()


def _with_agencies(form):
    form.agency.choices = agency_choices(all_agencies())
    return form


def _role_problem(role: str, agency: str | None, region: str | None) -> str | None:
    """The declared scopes' refusal (app/accounts/data/scopes.yaml), for the form."""
    found = db.session.get(Region, region) if region else None
    if region and found is None:
        return _("Kode desa tidak dikenal.")
    problem = scopes.assignment_problem(role, agency_code=agency, region_code=region,
                                        region_level=found.level if found else None)
    return None if problem is None else str(problem)


@bp.route("/pengguna", methods=["POST"])
@for_roles("admin")
def create_user():
    form = _with_agencies(StaffUserForm())
    if not form.validate():
        return _users_page(form, 422)
    agency, region = form.agency.data or None, (form.region_code.data or "").strip() or None
    problem = _role_problem(form.role.data, agency, region)
    if problem:
        form.agency.errors = [problem]
        return _users_page(form, 422)
    try:
        user = accounts.create_staff_user(
            email=form.email.data,
            full_name=form.full_name.data.strip(),
            password=form.password.data,
            role=form.role.data,
            agency_code=agency,
            region_code=region,
            granted_by=current_user,
        )
        user.job_title = (form.job_title.data or "").strip() or None
        user.nip = form.nip.data or None
    except accounts.AccountError as refused:
        db.session.rollback()
        form.email.errors = [str(refused)]
        return _users_page(form, 422)
    db.session.commit()
    flash(_("Akun %(email)s disimpan.", email=user.email), "success")
    return redirect(url_for("admin.user", user_id=user.id))


def _user_page(user: User, form: GrantRoleForm | None = None, status: int = 200):
    return render_template(
        "admin/user.html",
        user=user,
        form=_with_agencies(form or GrantRoleForm(formdata=None)),
        revoke_form=EmptyForm(),
    ), status


@bp.route("/pengguna/<int:user_id>")
@for_roles("admin")
def user(user_id: int):
    return _user_page(get_or_404(db.session.get(User, user_id)))


@bp.route("/pengguna/<int:user_id>/peran", methods=["POST"])
@for_roles("admin")
def grant(user_id: int):
    user = get_or_404(db.session.get(User, user_id))
    form = _with_agencies(GrantRoleForm())
    if not form.validate():
        return _user_page(user, form, 422)
    agency, region = form.agency.data or None, (form.region_code.data or "").strip() or None
    problem = _role_problem(form.role.data, agency, region)
    if problem:
        form.agency.errors = [problem]
        return _user_page(user, form, 422)
    try:
        accounts.grant_role(
            user, form.role.data, agency_code=agency, region_code=region, granted_by=current_user
        )
    except accounts.AccountError as refused:
        db.session.rollback()
        form.agency.errors = [str(refused)]
        return _user_page(user, form, 422)
    db.session.commit()
    flash(_("Peran ditambahkan."), "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/pengguna/<int:user_id>/peran/<int:assignment_id>/cabut", methods=["POST"])
@for_roles("admin")
def revoke(user_id: int, assignment_id: int):
    user = get_or_404(db.session.get(User, user_id))
    assignment = get_or_404(db.session.get(RoleAssignment, assignment_id))
    require(assignment.user_id == user.id)
    try:
        ops.revoke_role(assignment, current_user)
    except ops.AdminRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for("admin.user", user_id=user.id))
    db.session.commit()
    flash(_("Peran dicabut."), "success")
    return redirect(url_for("admin.user", user_id=user.id))


# --- register imports ------------------------------------------------------------------------


def _imports_page(form: RegisterImportForm | None = None, status: int = 200):
    recent = db.session.scalars(
        sa.select(RegisterImport).order_by(RegisterImport.id.desc()).limit(30)
    ).all()
    return render_template(
        "admin/imports.html", form=form or RegisterImportForm(formdata=None), imports=recent
    ), status


@bp.route("/impor")
@for_roles("admin")
def imports():
    return _imports_page()


@bp.route("/impor", methods=["POST"])
@for_roles("admin")
def import_upload():
    form = RegisterImportForm()
    upload = form.file.data
    if not form.validate() or not getattr(upload, "filename", ""):
        form.file.errors = list(form.file.errors) or [_("Pilih berkas CSV atau XLSX.")]
        return _imports_page(form, 422)
    try:
        batch, _report = import_file(
            form.register.data, upload.filename, upload.read(), actor=current_user
        )
    except RegisterFileError as refused:
        db.session.rollback()
        form.file.errors = [str(refused)]
        return _imports_page(form, 422)
    db.session.commit()
    flash(
        _(
            "Impor selesai: %(ok)s baris diterima, %(bad)s ditolak.",
            ok=batch.rows_ok,
            bad=batch.rows_failed,
        ),
        "success" if not batch.rows_failed else "warning",
    )
    return redirect(url_for("admin.import_report", import_id=batch.id))


@bp.route("/impor/<int:import_id>")
@for_roles("admin")
def import_report(import_id: int):
    batch = get_or_404(db.session.get(RegisterImport, import_id))
    return render_template("admin/import_report.html", batch=batch)
