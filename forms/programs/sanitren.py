"""SANITREN application form: the facts the rules read and what the survey will check."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forms.portal import YES_NO
from forms.programs import answer_data, initial_from

FIELDS = ("similar_aid_this_year", "sanitation_adequate", "resident_santri", "toilet_count",
          "sanitation_description")


class ApplicationForm(FlaskForm):
    similar_aid_this_year = RadioField(
        _l("Apakah tahun ini pesantren menerima bantuan sanitasi dari pihak lain?"),
        choices=YES_NO, validators=[InputRequired(_l("Pilih Ya atau Tidak."))])
    sanitation_adequate = RadioField(
        _l("Apakah sarana MCK dan tempat wudhu saat ini sudah layak?"),
        choices=YES_NO, validators=[InputRequired(_l("Pilih Ya atau Tidak."))],
        description=_l("Petugas Bappeda akan memeriksanya saat survei lapangan."))
    resident_santri = IntegerField(_l("Jumlah santri mukim saat ini"), validators=[
        InputRequired(_l("Jumlah santri mukim wajib diisi.")),
        NumberRange(min=0, max=20000, message=_l("Isi angka 0 sampai 20.000."))])
    toilet_count = IntegerField(_l("Jumlah pintu MCK yang ada sekarang"), validators=[
        Optional(), NumberRange(min=0, max=500, message=_l("Isi angka 0 sampai 500."))])
    sanitation_description = TextAreaField(
        _l("Kondisi sanitasi saat ini"), validators=[Optional(), Length(max=1000)],
        description=_l("Ceritakan singkat: kerusakan, sumber air, lahan yang tersedia."),
        render_kw={"maxlength": 1000})


def to_answers(form: ApplicationForm) -> tuple[dict, int | None]:
    return answer_data(form, FIELDS), None


def initial_data(answers: dict) -> dict:
    return initial_from(answers, FIELDS)
