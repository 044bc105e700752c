"""Organization and personal profiles, with their bank accounts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.common.identifiers import mask_nik
from app.common.web import get_or_404, require, safe_next
from app.extensions import db
from app.organizations import operations
from app.organizations.models import Organization, Person
from app.organizations.permissions import can_edit_organization
from app.portal.blueprint import bp, desa_choices
from app.programs.registry import registry
from app.registers import checks
from forms.declared import build_form_class, initial_data, page_lang
from forms.portal import BankAccountForm, OrganizationForm, PersonForm, as_yes_no, yes_no
from workflows.parse_kind import ApplicantKind


def _kind_or_none(key: str | None) -> ApplicantKind | None:
    kind = registry().kind(key or "")
    return kind if kind is not None and kind.is_organization else None


def _kind_label(kind: ApplicantKind) -> str:
    return getattr(kind.name, page_lang())


def _org_form(kind: ApplicantKind, obj: Organization | None = None):
    """The common organisation fields, then the kind's declared fields (one builder)."""
    desa = desa_choices(_("— pilih desa/kelurahan —"))
    form_class = build_form_class(kind.form, desa_choices=desa, base=OrganizationForm)
    data = None
    if obj is not None:
        data = {name: getattr(obj, name) for name in operations.ORG_FIELDS
                if kind.form.field(name) is None}
        data.update(initial_data(kind.form, operations.profile_values(obj)))
    form = form_class(data=data)
    form.desa_code.choices = desa
    return form


def _values(form) -> dict:
    return {field.name: field.data for field in form
            if field.type not in ("CSRFTokenField", "SubmitField", "HiddenField")}


def _org_values(form) -> dict:
    """Common fields as WTForms read them; declared ones as ``validate_answers`` cleaned them."""
    values = _values(form)
    answers = form.checked.answers if form.checked else {}
    values.update({spec.key: answers.get(spec.key) for spec in form.declaration.fields})
    return values


def _next_url(default: str) -> str:
    return safe_next(request.values.get("next"), default)


@bp.route("/lembaga/baru", methods=["GET", "POST"])
@login_required
def organization_new():
    kind = _kind_or_none(request.values.get("jenis"))
    if kind is None:
        kinds = {k.key: _kind_label(k) for k in registry().kinds().values() if k.is_organization}
        return render_template("portal/organization_kind.html", kinds=kinds,
                               next=request.values.get("next"))
    form = _org_form(kind)
    if form.validate_on_submit():
        try:
            org = operations.create_organization(current_user, kind.key, _org_values(form))
        except operations.ProfileError as refused:
            form[refused.field or "name"].errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("Profil lembaga tersimpan. Tambahkan rekening atas nama lembaga."), "success")
            return redirect(url_for("portal.organization_edit", org_id=org.id,
                                    next=request.values.get("next")) + "#rekening")
    return render_template("portal/organization_form.html", form=form, kind=kind.key,
                           kind_label=_kind_label(kind), organization=None,
                           next=request.values.get("next")), 422 if form.errors else 200


def _org_or_404(org_id: int) -> Organization:
    org = get_or_404(db.session.get(Organization, org_id))
    require(can_edit_organization(current_user, org))
    return org


def _org_kind_or_404(org: Organization) -> ApplicantKind:
    """An organisation whose kind's file was removed cannot be edited (never a 500)."""
    kind = _kind_or_none(org.kind)
    if kind is None:
        abort(404)
    return kind


def _org_page(org: Organization, form=None, bank_form=None, status: int = 200):
    kind = _org_kind_or_404(org)
    return render_template(
        "portal/organization_form.html", organization=org, kind=org.kind,
        kind_label=_kind_label(kind), form=form or _org_form(kind, org),
        bank_form=bank_form or BankAccountForm(formdata=None),
        account=operations.current_account(organization=org),
        next=request.values.get("next")), status


@bp.route("/lembaga/<int:org_id>", methods=["GET", "POST"])
@login_required
def organization_edit(org_id: int):
    org = _org_or_404(org_id)
    form = _org_form(_org_kind_or_404(org), org)
    if form.validate_on_submit():
        try:
            operations.update_organization(org, current_user, _org_values(form))
        except operations.ProfileError as refused:
            form[refused.field or "name"].errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("Profil lembaga tersimpan."), "success")
            return redirect(_next_url(url_for("portal.organization_edit", org_id=org.id)))
    return _org_page(org, form=form, status=422 if form.is_submitted() else 200)


def _bank_submit(form, **owner):
    try:
        account = operations.set_bank_account(
            current_user, bank_name=form.bank_name.data, number=form.number.data,
            holder_name=form.holder_name.data, **owner)
    except operations.ProfileError as refused:
        form[refused.field or "holder_name"].errors.append(refused.message)
        return False
    db.session.commit()
    flash(_("Rekening tersimpan. Rekening sebelumnya tetap tercatat."), "success")
    if not account.holder_matches:
        flash(_("Nama pemilik rekening berbeda dari nama pemohon; verifikator akan "
                "memeriksanya. Jika rekening atas nama yayasan, lampirkan surat keterangannya."),
              "warning")
    return True


@bp.route("/lembaga/<int:org_id>/rekening", methods=["POST"])
@login_required
def organization_bank(org_id: int):
    org = _org_or_404(org_id)
    bank_form = BankAccountForm()
    if bank_form.validate_on_submit() and _bank_submit(bank_form, organization=org):
        return redirect(_next_url(url_for("portal.organization_edit", org_id=org.id)))
    return _org_page(org, bank_form=bank_form, status=422)


@bp.route("/lembaga/<int:org_id>/cek-kemenag", methods=["POST"])
@login_required
def request_register_check(org_id: int):
    """A pesantren missing from the Kemenag register asks Kemenag to check it."""
    org = _org_or_404(org_id)  # the token is checked by CSRFProtect, as on every POST
    try:
        checks.request_check(current_user, org)
    except checks.CheckRefused as refused:
        flash(refused.message, "error")
    else:
        db.session.commit()
        flash(_("Permintaan terkirim. Verifikator Kemenag akan memeriksa pendaftaran pesantren "
                "Anda; hasilnya tampil di halaman ini."), "success")
    return redirect(_next_url(url_for("portal.organization_edit", org_id=org.id)))


# ---------------------------------------------------------------- personal profile


def _person_form(person: Person | None) -> PersonForm:
    data = None
    if person is not None:
        data = {name: getattr(person, name) for name in operations.PERSON_FIELDS}
        data["is_civil_servant"] = as_yes_no(person.is_civil_servant)
        data["has_fixed_income"] = as_yes_no(person.has_fixed_income)
        data["nik"] = person.reveal_nik()  # the person themself: shown in full
    form = PersonForm(data=data)
    form.desa_code.choices = desa_choices(_("— pilih desa/kelurahan —"))
    return form


def _person_page(person, form, bank_form=None, status=200):
    return render_template(
        "portal/person_form.html", person=person, form=form,
        bank_form=bank_form or BankAccountForm(formdata=None),
        account=operations.current_account(person=person) if person else None,
        masked=mask_nik(person.reveal_nik() or "") if person and person.nik_encrypted else None,
        next=request.values.get("next")), status


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def person_profile():
    person = db.session.get(Person, current_user.person_id) if current_user.person_id else None
    form = _person_form(person)
    if form.validate_on_submit():
        values = _values(form)
        nik = values.pop("nik")
        values["is_civil_servant"] = yes_no(values["is_civil_servant"])
        values["has_fixed_income"] = yes_no(values["has_fixed_income"])
        try:
            operations.save_personal_profile(current_user, values, nik)
        except operations.ProfileError as refused:
            form[refused.field or "full_name"].errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("Profil pribadi tersimpan."), "success")
            return redirect(_next_url(url_for("portal.person_profile")))
    return _person_page(person, form, status=422 if form.is_submitted() else 200)


@bp.route("/profil/rekening", methods=["POST"])
@login_required
def person_bank():
    person = db.session.get(Person, current_user.person_id) if current_user.person_id else None
    if person is None:
        abort(404)
    bank_form = BankAccountForm()
    if bank_form.validate_on_submit() and _bank_submit(bank_form, person=person):
        return redirect(_next_url(url_for("portal.person_profile")))
    return _person_page(person, _person_form(person), bank_form=bank_form, status=422)
