"""WTForms validators for identifiers and passwords.

Flask-Babel's ``lazy_gettext`` needs no app context (outside one it returns the msgid), so most
tests use a plain ``wtforms.Form``; the Babel tests check the messages inside a real app, and
that a translation catalog is applied before the values are interpolated.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict
from wtforms import Form, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Optional

from forms.validators import (
    KK,
    NIB,
    NIK,
    NISN,
    NPSN,
    NPWP,
    NSPP,
    PIRT,
    BankAccountNumber,
    CooperativeNumber,
    MobilePhone,
    PasswordPolicy,
)


class ApplicantForm(Form):
    nik = StringField(validators=[Optional(), NIK()])
    kk = StringField(validators=[Optional(), KK()])
    npwp = StringField(validators=[Optional(), NPWP()])
    nisn = StringField(validators=[Optional(), NISN()])
    npsn = StringField(validators=[Optional(), NPSN()])
    nspp = StringField(validators=[Optional(), NSPP()])
    nib = StringField(validators=[Optional(), NIB()])
    pirt = StringField(validators=[Optional(), PIRT()])
    cooperative = StringField(validators=[Optional(), CooperativeNumber()])
    phone = StringField(validators=[Optional(), MobilePhone()])
    account = StringField(validators=[Optional(), BankAccountNumber()])


def submit(form_class: type[Form], **data: str) -> Form:
    form = form_class(formdata=MultiDict(data))
    form.validate()
    return form


def errors(form: Form, name: str) -> list[str]:
    return [str(message) for message in form[name].errors]


@pytest.mark.parametrize(
    ("field", "raw", "canonical"),
    [
        ("nik", "3603 0112 0199 0001", "3603011201990001"),
        ("kk", "3603.0125.0515.0003", "3603012505150003"),
        ("npwp", "01.234.567.8-901.000", "0012345678901000"),
        ("nisn", "009 123 4567", "0091234567"),
        ("npsn", "2060 3123", "20603123"),
        ("nspp", "5100 3603 0001", "510036030001"),
        ("nib", "912 000 123 4567", "9120001234567"),
        ("pirt", "2063603010123-24", "206360301012324"),
        ("cooperative", "ahu-0001234.ah.01.26.tahun 2020", "AHU-0001234.AH.01.26.TAHUN 2020"),
        ("cooperative", "518 / bh / xi / 2003", "518/BH/XI/2003"),
        ("phone", "+62 812-3456-7890", "081234567890"),
        ("account", "123-456-7890", "1234567890"),
    ],
)
def test_valid_input_is_replaced_by_canonical_value(field, raw, canonical):
    form = submit(ApplicantForm, **{field: raw})
    assert form.errors == {}
    assert form[field].data == canonical


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("nik", "360301120199001", "NIK harus 16 digit angka (Anda mengisi 15)"),
        ("nik", "3603011213990001", "Bulan lahir pada NIK (digit 9–10: 13) harus 01–12"),
        ("kk", "360301250515000", "Nomor KK harus 16 digit angka (Anda mengisi 15)"),
        (
            "npwp",
            "01.234.567.8-901.00",
            "NPWP harus 16 digit, atau 15 digit untuk format lama (Anda mengisi 14)",
        ),
        ("nisn", "12345", "NISN harus 10 digit angka (Anda mengisi 5)"),
        ("npsn", "2060312x", "NPSN hanya boleh berisi angka (ada karakter 'x')"),
        ("nspp", "51003603", "NSPP harus 12 digit angka (Anda mengisi 8)"),
        ("nib", "91200012345678", "NIB harus 13 digit angka (Anda mengisi 14)"),
        (
            "cooperative",
            "koperasi kita",
            "Format nomor badan hukum koperasi tidak dikenali; contoh: "
            "AHU-0001234.AH.01.26.TAHUN 2020 atau 518/BH/XI/2003",
        ),
        (
            "phone",
            "021 5551234",
            "Nomor HP harus nomor seluler yang diawali 08 (Anda mengisi 0215…)",
        ),
        ("account", "123456789", "Nomor rekening harus 10–16 digit angka (Anda mengisi 9)"),
    ],
)
def test_invalid_input_gives_indonesian_message_and_keeps_data(field, raw, message):
    form = submit(ApplicantForm, **{field: raw})
    assert errors(form, field) == [message]
    assert form[field].data == raw  # shown back to the user as typed


def test_empty_input_is_left_to_other_validators():
    class RequiredForm(Form):
        bare = StringField(validators=[NIK()])
        required = StringField(validators=[DataRequired("wajib"), NIK()])

    form = submit(RequiredForm, bare="   ", required="")
    assert form.bare.errors == []
    assert form.bare.data == "   "
    assert errors(form, "required") == ["wajib"]


def test_missing_field_data_is_left_alone():
    form = ApplicantForm()  # no formdata: every field is None or ""
    assert form.validate()
    assert form.nik.data is None


def test_non_string_data_is_validated_as_text():
    class NumberForm(Form):
        nisn = IntegerField(validators=[NISN()])

    form = submit(NumberForm, nisn="1234567890")
    assert form.errors == {}
    assert form.nisn.data == "1234567890"


def test_message_override():
    class CustomForm(Form):
        nik = StringField(validators=[NIK(message="NIK pemohon tidak valid")])

    assert errors(submit(CustomForm, nik="123"), "nik") == ["NIK pemohon tidak valid"]


# --------------------------------------------------------------------------------------------
# Flask-Babel
# --------------------------------------------------------------------------------------------


def make_babel_app(translations: Path | None = None, locale: str = "id") -> Flask:
    flask_app = Flask(__name__)
    flask_app.config["BABEL_DEFAULT_LOCALE"] = "id"
    if translations is not None:
        flask_app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    Babel(flask_app, locale_selector=lambda: locale)
    return flask_app


def test_messages_inside_a_babel_app():
    with make_babel_app().test_request_context():
        form = submit(ApplicantForm, nik="360301120199001", phone="0812 3456 7890")
        assert errors(form, "nik") == ["NIK harus 16 digit angka (Anda mengisi 15)"]
        assert form.phone.data == "081234567890"


def test_translation_is_applied_before_interpolation(tmp_path):
    catalog = Catalog(locale="en")
    catalog.add(
        "NIK harus 16 digit angka (Anda mengisi %(length)s)",
        "NIK must be 16 digits (you entered %(length)s)",
    )
    catalog.add("Kata sandi harus berisi huruf dan angka", "Password needs letters and digits")
    buffer = BytesIO()
    write_mo(buffer, catalog)
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "messages.mo").write_bytes(buffer.getvalue())

    class Mixed(Form):
        nik = StringField(validators=[NIK()])
        password = PasswordField(validators=[PasswordPolicy()])

    with make_babel_app(tmp_path, locale="en").test_request_context():
        form = submit(Mixed, nik="360301120199001", password="abcdefghijkl")
        assert errors(form, "nik") == ["NIK must be 16 digits (you entered 15)"]
        assert errors(form, "password") == ["Password needs letters and digits"]


# --------------------------------------------------------------------------------------------
# PasswordPolicy
# --------------------------------------------------------------------------------------------


class SignupForm(Form):
    email = StringField()
    phone = StringField(validators=[Optional(), MobilePhone()])
    password = PasswordField(validators=[PasswordPolicy()])


class PasswordOnlyForm(Form):
    password = PasswordField(validators=[PasswordPolicy()])


def password_errors(password: str, form_class: type[Form] = SignupForm, **other: str) -> list[str]:
    data = {"email": "budi.santoso@example.com", "phone": "0812-3456-7890", **other}
    if form_class is PasswordOnlyForm:
        data = {}
    return errors(submit(form_class, password=password, **data), "password")


TOO_COMMON = "Kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain"
LETTERS_AND_DIGITS = "Kata sandi harus berisi huruf dan angka"


@pytest.mark.parametrize(
    "password",
    [
        "kopi susu 7 gelas",
        "Tigaraksa-2024-pagi",
        "Gemilang#Jaya9",
        "b3rk4h-selalu-x",
        "a1b2c3d4e5",  # exactly 10
    ],
)
def test_good_passwords_pass(password):
    assert password_errors(password) == []
    assert password_errors(password, PasswordOnlyForm) == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abc12", "Kata sandi minimal 10 karakter (Anda mengisi 5)"),
        ("qwerty123", "Kata sandi minimal 10 karakter (Anda mengisi 9)"),
        ("abcdefghijkl", LETTERS_AND_DIGITS),
        ("123456789012", LETTERS_AND_DIGITS),
        ("!!!!????####", LETTERS_AND_DIGITS),
        ("password123", TOO_COMMON),
        ("Password123", TOO_COMMON),
        ("qwerty12345", TOO_COMMON),
        ("Bismillah2024!", TOO_COMMON),
        ("1bismillah1", TOO_COMMON),
        ("indonesia123", TOO_COMMON),
        ("Indonesia45", TOO_COMMON),
        ("sayangkamu1", TOO_COMMON),
        ("1234567890a", TOO_COMMON),
    ],
)
def test_weak_passwords_are_rejected(password, message):
    assert password_errors(password) == [message]


@pytest.mark.parametrize("password", ["budi.santoso99", "BudiSantoso99", "x-budi_santoso-1"])
def test_password_must_not_contain_email_local_part(password):
    assert password_errors(password) == [
        "Kata sandi tidak boleh memuat nama pada alamat e-mail Anda"
    ]


def test_short_email_local_part_is_ignored():
    assert password_errors("abyss-42-lima", email="ab@example.com") == []


def test_email_tag_is_ignored():
    assert password_errors("budi.santoso99", email="budi.santoso+sibantu@example.com") == [
        "Kata sandi tidak boleh memuat nama pada alamat e-mail Anda"
    ]


@pytest.mark.parametrize(
    "password", ["Kunci081234567890", "kunci+6281234567890", "kunci 0812-3456-7890"]
)
def test_password_must_not_contain_phone_number(password):
    assert password_errors(password) == ["Kata sandi tidak boleh memuat nomor HP Anda"]


def test_phone_check_works_on_raw_phone_too():
    class PasswordFirst(Form):
        password = PasswordField(validators=[PasswordPolicy()])
        phone = StringField(validators=[MobilePhone()])  # validated after the password

    form = submit(PasswordFirst, password="Kunci081234567890", phone="+62 812 3456 7890")
    assert errors(form, "password") == ["Kata sandi tidak boleh memuat nomor HP Anda"]


def test_invalid_phone_is_not_checked_by_password_policy():
    assert password_errors("Kunci0215551234x", phone="021 5551234") == []


def test_empty_password_is_left_to_data_required():
    assert password_errors("", PasswordOnlyForm) == []


def test_custom_minimum_and_field_names():
    class StaffForm(Form):
        work_email = StringField()
        password = PasswordField(
            validators=[PasswordPolicy(min_length=12, email_field="work_email")]
        )

    form = submit(StaffForm, work_email="sari@bappeda.example", password="xsari-1234567")
    assert errors(form, "password") == [
        "Kata sandi tidak boleh memuat nama pada alamat e-mail Anda"
    ]
    form = submit(StaffForm, work_email="sari@bappeda.example", password="pendek-123")
    assert errors(form, "password") == ["Kata sandi minimal 12 karakter (Anda mengisi 10)"]


def test_common_list_size():
    from forms.validators import COMMON_PASSWORDS

    assert len(COMMON_PASSWORDS) >= 50
    assert {"bismillah", "indonesia", "sayangkamu", "password123", "qwerty123"} <= COMMON_PASSWORDS
    assert all(p == p.lower() for p in COMMON_PASSWORDS)
