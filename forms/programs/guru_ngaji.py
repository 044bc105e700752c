"""Insentif Guru Ngaji: the teaching facts (the person's own data is in the profile)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forms.programs import answer_data, initial_from

FIELDS = ("pupil_count", "teaching_place", "teaching_schedule")


class ApplicationForm(FlaskForm):
    pupil_count = IntegerField(_l("Jumlah santri yang diajar"), validators=[
        InputRequired(_l("Jumlah santri wajib diisi.")),
        NumberRange(min=0, max=1000, message=_l("Isi angka 0 sampai 1.000."))])
    teaching_place = StringField(_l("Tempat mengajar (TPQ/masjid/musala/rumah)"), validators=[
        InputRequired(_l("Tempat mengajar wajib diisi.")), Length(max=200)])
    teaching_schedule = StringField(_l("Jadwal mengajar"), validators=[Optional(), Length(max=200)],
                                    description=_l("Contoh: Senin–Jumat ba'da Magrib"))


def to_answers(form: ApplicationForm) -> tuple[dict, int | None]:
    return answer_data(form, FIELDS), None


def initial_data(answers: dict) -> dict:
    return initial_from(answers, FIELDS)
