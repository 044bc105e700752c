"""Administration forms. Messages are Indonesian msgids."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from app.accounts.roles import ROLE_LABELS
from forms.choices import SelectChoice, options
from forms.i18n import LocalizedForm as FlaskForm
from forms.staff import MoneyField
from forms.validators import PasswordPolicy

ASSIGNABLE = ("reviewer", "approver", "finance", "auditor", "admin", "village_operator")


def role_choices() -> list[SelectChoice]:
    return options((r, _l(ROLE_LABELS[r])) for r in ASSIGNABLE)


def agency_choices(agencies: Iterable[Any]) -> list[SelectChoice]:
    """Choices for an agency select: ``agencies`` are the rows read by the view."""
    return options([("", _l("— tanpa OPD —")),
                    *((a.code, f"{a.code} — {a.name}") for a in agencies)])


class ProgramPeriodForm(FlaskForm):
    is_open = BooleanField(_l("Pendaftaran dibuka"))
    window_opens = DateField(_l("Tanggal buka"), validators=[Optional()])
    window_closes = DateField(_l("Tanggal tutup"), validators=[Optional()])


class BudgetForm(FlaskForm):
    fiscal_year = IntegerField(
        _l("Tahun anggaran"),
        validators=[
            InputRequired(_l("Tahun wajib diisi.")),
            NumberRange(2020, 2100, _l("Tahun antara 2020 dan 2100.")),
        ],
    )
    ceiling = MoneyField(
        _l("Pagu (Rp)"),
        validators=[
            InputRequired(_l("Pagu wajib diisi.")),
            NumberRange(min=0, message=_l("Pagu tidak boleh negatif.")),
        ],
        render_kw={"inputmode": "numeric"},
    )


class QuotaForm(FlaskForm):
    fiscal_year = IntegerField(
        _l("Tahun anggaran"),
        validators=[
            InputRequired(_l("Tahun wajib diisi.")),
            NumberRange(2020, 2100, _l("Tahun antara 2020 dan 2100.")),
        ],
    )
    region_code = SelectField(
        _l("Wilayah"), choices=[], validators=[DataRequired(_l("Pilih wilayah."))]
    )
    max_count = IntegerField(
        _l("Kuota penerima"),
        validators=[
            InputRequired(_l("Kuota wajib diisi.")),
            NumberRange(min=0, message=_l("Kuota tidak boleh negatif.")),
        ],
    )


class StaffUserForm(FlaskForm):
    full_name = StringField(
        _l("Nama lengkap"),
        validators=[DataRequired(_l("Nama wajib diisi.")), Length(min=3, max=150)],
    )
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("E-mail wajib diisi.")),
            Email(_l("Format e-mail tidak valid."), check_deliverability=False),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Kata sandi awal"),
        validators=[DataRequired(_l("Kata sandi wajib diisi.")), PasswordPolicy()],
        description=_l("Minimal 10 karakter, berisi huruf dan angka. Sampaikan secara terpisah."),
        render_kw={"autocomplete": "new-password"},
    )
    role = SelectField(_l("Peran"), choices=role_choices())
    agency = SelectField(
        _l("OPD"),
        choices=[],
        description=_l("Wajib untuk verifikator, pejabat, bendahara, dan auditor."),
    )
    region_code = StringField(
        _l("Kode desa (untuk operator desa)"), validators=[Optional(), Length(max=13)],
        description=_l("Untuk verifikator/pejabat, kode kecamatan atau desa membatasi "
                       "permohonan yang dilihatnya (kantor kecamatan)."),
    )
    job_title = StringField(
        _l("Jabatan (dicetak di bawah tanda tangan)"),
        validators=[Optional(), Length(max=150)],
        description=_l("Untuk pejabat yang menandatangani surat keputusan dan perjanjian."),
    )
    nip = StringField(
        _l("NIP"),
        validators=[Optional(), Regexp(r"^\d{18}$", message=_l("NIP harus 18 digit angka."))],
        filters=[lambda v: v.replace(" ", "") if v else v],
    )


class GrantRoleForm(FlaskForm):
    role = SelectField(_l("Peran"), choices=role_choices())
    agency = SelectField(_l("OPD"), choices=[])
    region_code = StringField(
        _l("Kode desa (untuk operator desa)"), validators=[Optional(), Length(max=13)],
        description=_l("Untuk verifikator/pejabat, kode kecamatan atau desa membatasi "
                       "permohonan yang dilihatnya (kantor kecamatan)."),
    )


class RegisterImportForm(FlaskForm):
    register = SelectField(
        _l("Register"),
        choices=options([
            ("dtks", _l("DTKS/DTSEN (rumah tangga berpenghasilan rendah)")),
            ("pesantren", _l("Data pesantren Kemenag (NSPP)")),
            ("awards", _l("Penerimaan bantuan sebelumnya")),
        ]),
    )
    file = FileField(
        _l("Berkas CSV atau XLSX"),
        description=_l(
            "Baris pertama berisi nama kolom, misalnya nik, kk, kode_desa atau nspp, nama, jenis."
            " Penerimaan sebelumnya: program, kelompok, tanggal dan nik, kk, nisn, nspp, npsn,"
            " nib atau ahu."
        ),
        render_kw={"accept": ".csv,.xlsx"},
    )


class EmptyForm(FlaskForm):
    """CSRF only (revoke buttons)."""


class AgencyForm(FlaskForm):
    code = StringField(
        _l("Kode OPD"),
        validators=[DataRequired(_l("Kode OPD wajib diisi.")), Length(max=20)],
        description=_l("Huruf kapital, angka, atau garis bawah, misalnya DPRKPP."),
    )
    name = StringField(
        _l("Nama OPD"), validators=[DataRequired(_l("Nama OPD wajib diisi.")), Length(max=200)]
    )


class RenameAgencyForm(FlaskForm):
    name = StringField(
        _l("Nama baru"), validators=[DataRequired(_l("Nama OPD wajib diisi.")), Length(max=200)]
    )
