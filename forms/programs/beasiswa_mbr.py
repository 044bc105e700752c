"""Beasiswa MBR: the student, the school and the achievement."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.portal import YES_NO
from forms.programs import answer_data, initial_from
from forms.validators import NISN, NPSN

FIELDS = ("student_name", "nisn", "school_npsn", "school_name", "school_level",
          "school_desa_code", "class_rank", "report_average", "has_sktm", "enrolment_confirmed")


class ApplicationForm(FlaskForm):
    student_name = StringField(_l("Nama siswa"), validators=[
        DataRequired(_l("Nama siswa wajib diisi.")), Length(max=150)])
    nisn = StringField(_l("NISN siswa"), validators=[DataRequired(_l("NISN wajib diisi.")), NISN()],
                       render_kw={"inputmode": "numeric"})
    school_npsn = StringField(_l("NPSN sekolah"), validators=[
        DataRequired(_l("NPSN wajib diisi.")), NPSN()], render_kw={"inputmode": "numeric"})
    school_name = StringField(_l("Nama sekolah"), validators=[
        DataRequired(_l("Nama sekolah wajib diisi.")), Length(max=200)])
    school_level = SelectField(_l("Jenjang"), choices=[("", _l("— pilih —")), ("SD", "SD"),
                                                      ("SMP", "SMP")],
                               validators=[DataRequired(_l("Pilih jenjang."))])
    school_desa_code = SelectField(_l("Desa/kelurahan sekolah"), validators=[
        DataRequired(_l("Pilih desa/kelurahan sekolah."))])
    class_rank = IntegerField(_l("Peringkat kelas"), validators=[
        Optional(), NumberRange(min=1, max=60, message=_l("Isi angka 1 sampai 60."))])
    report_average = DecimalField(_l("Rata-rata nilai rapor"), places=2, validators=[
        InputRequired(_l("Rata-rata rapor wajib diisi.")),
        NumberRange(min=0, max=100, message=_l("Isi angka 0 sampai 100."))])
    has_sktm = RadioField(_l("Apakah keluarga memiliki SKTM?"), choices=YES_NO,
                          validators=[InputRequired(_l("Pilih Ya atau Tidak."))])
    enrolment_confirmed = BooleanField(_l("Siswa aktif di sekolah ini (diisi oleh sekolah)"))


def to_answers(form: ApplicationForm) -> tuple[dict, int | None]:
    return answer_data(form, FIELDS), None


def initial_data(answers: dict) -> dict:
    return initial_from(answers, FIELDS)
