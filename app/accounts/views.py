from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import operations as ops
from app.accounts import roles
from app.accounts.passwords import verify_password
from app.common.web import safe_next
from app.extensions import db, limiter
from app.notifications.operations import notify
from forms.accounts import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
)

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key() -> str:
    return "login-email:" + (request.form.get("email") or "").strip().lower()


#: where each role lands after login, the first role the user holds winning (staff with work
#: on their queue, auditors and admins on their tools, operators on their nominations)
LANDINGS = (
    (roles.REVIEWER, "staff.queue"),
    (roles.APPROVER, "staff.queue"),
    (roles.FINANCE, "staff.queue"),
    (roles.AUDITOR, "audit.index"),
    (roles.ADMIN, "admin.index"),
    (roles.VILLAGE_OPERATOR, "portal.operator"),
    (roles.SCHOOL_OPERATOR, "staff.school"),
)


def landing_url(user) -> str:
    """The user's own starting page; applicants (and anyone else) land on their dashboard."""
    for role, endpoint in LANDINGS:
        if user.has_role(role) and endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("portal.dashboard")


def _start(user) -> None:
    session.clear()  # rotate: nothing from the anonymous session survives the login
    ops.log_in(user)
    login_user(user)


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit("20 per hour", key_func=_email_key, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = ops.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.commit()  # keep the failed-login audit event
            flash(_("E-mail atau kata sandi salah."), "error")
            return render_template("accounts/login.html", form=form), 200
        _start(user)
        # where to go is read before the commit, which would expire the user and its roles
        # (two more queries on every login, all of them at once in the morning)
        target = safe_next(request.args.get("next"), landing_url(user))
        db.session.commit()
        return redirect(target)
    return render_template("accounts/login.html", form=form)


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    ops.log_out(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/daftar", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = ops.register_applicant(
                full_name=form.full_name.data,
                email=form.email.data,
                phone=form.phone.data,
                password=form.password.data,
            )
        except ops.AccountError as exc:
            form.email.errors.append(str(exc))
            return render_template("accounts/register.html", form=form), 422
        _start(user)
        db.session.commit()
        flash(_("Pendaftaran berhasil. Selamat datang di SIBANTU."), "success")
        return redirect(url_for("main.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/lupa-sandi", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = ops.find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            stamp = user.password_changed_dt.timestamp()
            notify(
                f"password_reset:{user.id}:{int(stamp)}:{g.request_id}",
                "password_reset",
                [user],
                context={"user_id": user.id},
            )
            db.session.commit()
        # the same answer whether or not the address is known: no account enumeration
        flash(
            _(
                "Jika e-mail tersebut terdaftar, tautan untuk mengatur ulang kata sandi "
                "telah dikirim."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/atur-ulang-sandi/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str):
    user = ops.user_for_reset_token(token)
    if user is None:
        flash(_("Tautan atur ulang kata sandi tidak berlaku atau sudah kedaluwarsa."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        ops.change_password(user, form.password.data, keep_current=False)
        db.session.commit()
        flash(_("Kata sandi berhasil diubah. Silakan masuk."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, token=token)


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Kata sandi saat ini salah."))
            return render_template("accounts/change_password.html", form=form), 422
        ops.change_password(current_user, form.new_password.data)
        db.session.commit()
        flash(_("Kata sandi berhasil diubah. Sesi lain telah dikeluarkan."), "success")
        return redirect(url_for("main.index"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/bahasa", methods=["GET", "POST"])
def set_language():
    """POST (signed in, CSRF): the page language for this session and the account. GET (the
    switch shown to visitors): this browser's session only, no database write."""
    if request.method == "GET":
        lang, target = request.args.get("lang"), request.args.get("next")
        if lang in current_app.config["LANGUAGES"]:
            session["lang"] = lang
        return redirect(safe_next(target, url_for("main.index")))
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.language = form.lang.data
            db.session.commit()
    return redirect(safe_next(form.next.data, url_for("main.index")))
