"""Portal forms: organization and personal profiles, bank accounts, nominations.

Choices that come from the database (desa grouped by kecamatan) are set by the view.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from forms.choices import YES_NO
from forms.i18n import LocalizedForm as FlaskForm
from forms.validators import (
    NIK,
    NPWP,
    BankAccountNumber,
    MobilePhone,
)


def yes_no(value: str | None) -> bool | None:
    return {"ya": True, "tidak": False}.get(value or "")


def as_yes_no(value: bool | None) -> str | None:
    return None if value is None else ("ya" if value else "tidak")


def _desa_field(label=None) -> SelectField:
    return SelectField(
        label or _l("Desa/kelurahan"), validators=[DataRequired(_l("Pilih desa/kelurahan."))],
        description=_l("Desa dikelompokkan menurut kecamatan."), validate_choice=True,
    )


class OrganizationForm(FlaskForm):
    """Fields every kind of organization has; its declared fields follow (forms.declared)."""

    name = StringField(_l("Nama lembaga"), validators=[
        DataRequired(_l("Nama lembaga wajib diisi.")), Length(min=3, max=200)])
    leader_name = StringField(_l("Nama pimpinan/ketua"), validators=[Optional(), Length(max=150)])
    address = StringField(_l("Alamat"), validators=[
        DataRequired(_l("Alamat wajib diisi.")), Length(max=300)],
        description=_l("Kampung/jalan, RT/RW"))
    desa_code = _desa_field()
    phone = TelField(_l("Nomor HP/WhatsApp lembaga"), validators=[Optional(), MobilePhone()],
                     render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = EmailField(_l("E-mail lembaga"), validators=[
        Optional(), Email(_l("Format e-mail tidak valid."), check_deliverability=False)])
    npwp = StringField(_l("NPWP lembaga"), validators=[Optional(), NPWP()],
                       description=_l("15 atau 16 digit; tanda titik dan strip boleh diketik."),
                       render_kw={"inputmode": "numeric"})
    founded_on = DateField(_l("Tanggal berdiri"), validators=[Optional()])
    active = BooleanField(_l("Lembaga masih aktif berkegiatan"), default=True)


class BankAccountForm(FlaskForm):
    bank_name = StringField(_l("Nama bank"), validators=[
        DataRequired(_l("Nama bank wajib diisi.")), Length(max=80)],
        description=_l("Contoh: Bank BJB, BRI, Bank Syariah Indonesia"))
    number = StringField(_l("Nomor rekening"), validators=[
        DataRequired(_l("Nomor rekening wajib diisi.")), BankAccountNumber()],
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    holder_name = StringField(_l("Nama pemilik rekening"), validators=[
        DataRequired(_l("Nama pemilik rekening wajib diisi.")), Length(max=150)],
        description=_l("Harus sama dengan nama pemohon seperti tertulis di buku rekening."))


class PersonForm(FlaskForm):
    full_name = StringField(_l("Nama lengkap sesuai KTP"), validators=[
        DataRequired(_l("Nama lengkap wajib diisi.")), Length(min=3, max=150)],
        render_kw={"autocomplete": "name"})
    nik = StringField(_l("NIK"), validators=[DataRequired(_l("NIK wajib diisi.")), NIK()],
                      description=_l("16 digit angka pada KTP."),
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    phone = TelField(_l("Nomor HP/WhatsApp"), validators=[Optional(), MobilePhone()],
                     render_kw={"inputmode": "tel", "autocomplete": "tel"})
    npwp = StringField(_l("NPWP"), validators=[Optional(), NPWP()],
                       description=_l("NPWP perorangan kini sama dengan NIK."),
                       render_kw={"inputmode": "numeric"})
    address = StringField(_l("Alamat sesuai KTP"), validators=[
        DataRequired(_l("Alamat wajib diisi.")), Length(max=300)])
    desa_code = _desa_field(_l("Desa/kelurahan sesuai KTP"))
    is_civil_servant = RadioField(_l("Apakah Anda ASN, TNI, atau Polri?"), choices=YES_NO,
                                  validators=[Optional()])
    has_fixed_income = RadioField(_l("Apakah Anda berpenghasilan tetap?"), choices=YES_NO,
                                  validators=[Optional()])
    teaching_since = DateField(_l("Mulai mengajar ngaji sejak"), validators=[Optional()],
                               description=_l("Isi bila Anda guru ngaji."))


class NominationForm(FlaskForm):
    """The nominee's identity; the view adds the program's declared form fields and drops the
    person facts (teaching, ASN, fixed income) that the program's rules do not read."""

    full_name = StringField(_l("Nama lengkap sesuai KTP"), validators=[
        DataRequired(_l("Nama lengkap wajib diisi.")), Length(min=3, max=150)])
    nik = StringField(_l("NIK"), validators=[DataRequired(_l("NIK wajib diisi.")), NIK()],
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    address = StringField(_l("Alamat sesuai KTP"), validators=[
        DataRequired(_l("Alamat wajib diisi.")), Length(max=300)])
    #: asked of operators who nominate across the regency (a school's pupils live anywhere);
    #: dropped for a village operator, whose desa it is
    desa_code = _desa_field(_l("Desa/kelurahan sesuai KTP"))
    phone = TelField(_l("Nomor HP/WhatsApp"), validators=[Optional(), MobilePhone()],
                     render_kw={"inputmode": "tel"})
    npwp = StringField(_l("NPWP"), validators=[Optional(), NPWP()],
                       render_kw={"inputmode": "numeric"})
    teaching_since = DateField(_l("Mulai mengajar sejak"), validators=[
        InputRequired(_l("Tanggal mulai mengajar wajib diisi."))])
    is_civil_servant = RadioField(_l("ASN, TNI, atau Polri?"), choices=YES_NO,
                                  validators=[InputRequired(_l("Pilih salah satu."))])
    has_fixed_income = RadioField(_l("Berpenghasilan tetap?"), choices=YES_NO,
                                  validators=[InputRequired(_l("Pilih salah satu."))])
    bank_name = StringField(_l("Nama bank"), validators=[Optional(), Length(max=80)])
    bank_number = StringField(_l("Nomor rekening"), validators=[Optional(), BankAccountNumber()],
                              render_kw={"inputmode": "numeric", "autocomplete": "off"})


class NominationUploadForm(FlaskForm):
    file = FileField(_l("Berkas CSV atau XLSX"), validators=[
        FileRequired(_l("Pilih berkas CSV atau XLSX."))],
        description=_l("Satu baris per orang, dengan kolom templat program ini (unduh di atas)."),
        render_kw={"accept": ".csv,.xlsx"})


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Alasan"), validators=[Optional(), Length(max=2000)])
