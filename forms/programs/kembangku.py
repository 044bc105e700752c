"""KEMBANGKU: the loan requested and what it is for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forms.programs import answer_data, initial_from

FIELDS = ("requested_amount", "use_of_funds", "members_count")


class ApplicationForm(FlaskForm):
    requested_amount = IntegerField(_l("Pinjaman yang diminta (Rp)"), validators=[
        InputRequired(_l("Nilai pinjaman wajib diisi.")),
        NumberRange(min=1, max=10_000_000_000, message=_l("Isi angka rupiah tanpa titik."))],
        description=_l("Antara Rp5.000.000 dan Rp100.000.000; ketik angka saja, misalnya "
                       "50000000."))
    use_of_funds = TextAreaField(_l("Rencana penggunaan dana"), validators=[
        InputRequired(_l("Rencana penggunaan dana wajib diisi.")), Length(max=2000)],
        render_kw={"maxlength": 2000})
    members_count = IntegerField(_l("Jumlah anggota"), validators=[
        Optional(), NumberRange(min=0, max=1_000_000, message=_l("Isi angka."))])


def to_answers(form: ApplicationForm) -> tuple[dict, int | None]:
    answers = answer_data(form, FIELDS)
    return answers, answers.get("requested_amount")


def initial_data(answers: dict) -> dict:
    return initial_from(answers, FIELDS)
