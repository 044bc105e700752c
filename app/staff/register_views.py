"""Kemenag answers pesantren asking to be checked against the register (/staf/cek-register)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.web import get_or_404
from app.extensions import db
from app.registers import checks
from app.registers.models import RegisterCheck
from app.staff.blueprint import bp
from app.staff.permissions import for_roles
from forms.staff import RegisterCheckForm


@bp.route("/cek-register", methods=["GET", "POST"])
@for_roles("reviewer")
def register_checks():
    if not checks.can_decide_checks(current_user):
        abort(404)
    form = RegisterCheckForm()
    if form.validate_on_submit():
        check = get_or_404(db.session.get(RegisterCheck, form.check_id.data))
        try:
            checks.decide_check(current_user, check, confirm=form.decision.data == "confirm",
                                note=form.note.data or "")
        except checks.CheckRefused as refused:
            flash(refused.message, "error")
        else:
            db.session.commit()
            flash(_("Keputusan pemeriksaan tersimpan."), "success")
        return redirect(url_for("staff.register_checks"))
    if form.is_submitted():
        flash(_("Periksa kembali isian Anda."), "error")
    return render_template("staff/register_checks.html", rows=checks.pending_checks(),
                           form=form), 422 if form.is_submitted() else 200
