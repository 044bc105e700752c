"""Account forms. Messages are Indonesian msgids, translated by Flask-Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from forms.i18n import LocalizedForm as FlaskForm
from forms.validators import MobilePhone, PasswordPolicy


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("E-mail wajib diisi.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[DataRequired(_l("Kata sandi wajib diisi."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Ingat saya di perangkat ini"))


class RegistrationForm(FlaskForm):
    full_name = StringField(
        _l("Nama lengkap"),
        validators=[DataRequired(_l("Nama lengkap wajib diisi.")), Length(min=3, max=150)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("E-mail wajib diisi.")),
            Email(_l("Format e-mail tidak valid."), check_deliverability=False),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    phone = TelField(
        _l("Nomor HP/WhatsApp"),
        validators=[DataRequired(_l("Nomor HP wajib diisi.")), MobilePhone()],
        description=_l("Contoh: 0812 3456 7890"),
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), PasswordPolicy()],
        description=_l("Minimal 10 karakter, berisi huruf dan angka."),
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        _l("Ulangi kata sandi"),
        validators=[
            DataRequired(_l("Ulangi kata sandi.")),
            EqualTo("password", _l("Kedua kata sandi tidak sama.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("E-mail wajib diisi.")), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), PasswordPolicy()],
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[
            DataRequired(_l("Ulangi kata sandi.")),
            EqualTo("password", _l("Kedua kata sandi tidak sama.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Kata sandi saat ini"),
        validators=[DataRequired(_l("Kata sandi wajib diisi."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), PasswordPolicy()],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[
            DataRequired(_l("Ulangi kata sandi.")),
            EqualTo("new_password", _l("Kedua kata sandi tidak sama.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField(validators=[Optional()])
