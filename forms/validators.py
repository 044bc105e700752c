"""WTForms validators for Indonesian identifiers and passwords.

Identifier validators wrap :mod:`app.common.identifiers`: on success they replace ``field.data``
with the canonical value (so views store ``3603…``, ``08…``, ``AHU-….TAHUN 2020``); on failure
they raise :class:`~wtforms.validators.ValidationError` with the Indonesian message, translated
through Flask-Babel (the msgid is the Indonesian template marked with ``N_`` in the identifiers
module; interpolation happens after translation). Empty input is left to ``DataRequired`` /
``Optional`` and passes untouched.

Every validator accepts ``message=`` to override the default message, like WTForms' own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form
from wtforms.validators import ValidationError

from app.common.identifiers import (
    IdentifierError,
    normalize_bank_account,
    normalize_cooperative_number,
    normalize_kk,
    normalize_mobile_phone,
    normalize_nib,
    normalize_nik,
    normalize_nisn,
    normalize_npsn,
    normalize_npwp,
    normalize_nspp,
    normalize_pirt,
)

__all__ = [
    "COMMON_PASSWORDS",
    "KK",
    "NIB",
    "NIK",
    "NISN",
    "NPSN",
    "NPWP",
    "NSPP",
    "PIRT",
    "BankAccountNumber",
    "CooperativeNumber",
    "IdentifierValidator",
    "MobilePhone",
    "PasswordPolicy",
]


def _is_empty(data: object) -> bool:
    return data is None or (isinstance(data, str) and not data.strip())


class IdentifierValidator:
    """Base class: normalise ``field.data`` with :attr:`normalizer` or raise ValidationError."""

    normalizer: Callable[[str], str]

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def normalize(self, value: str) -> str:
        return type(self).normalizer(value)

    def __call__(self, form: Form, field: Field) -> None:
        if _is_empty(field.data):
            return
        try:
            value = self.normalize(str(field.data))
        except IdentifierError as err:
            message = self.message
            if message is None:
                message = _l(err.template_id, **err.params)
            raise ValidationError(message) from err
        field.data = value


class NIK(IdentifierValidator):
    """16-digit national ID number; any region of first issue is accepted."""

    normalizer = staticmethod(normalize_nik)


class KK(IdentifierValidator):
    """16-digit family card number."""

    normalizer = staticmethod(normalize_kk)


class NPWP(IdentifierValidator):
    """Tax number; the old 15-digit form becomes 16 digits with a leading 0."""

    normalizer = staticmethod(normalize_npwp)


class NISN(IdentifierValidator):
    """10-digit student number."""

    normalizer = staticmethod(normalize_nisn)


class NPSN(IdentifierValidator):
    """8-digit school number."""

    normalizer = staticmethod(normalize_npsn)


class NSPP(IdentifierValidator):
    """12-digit pesantren statistical number (the regency prefix is a warning elsewhere)."""

    normalizer = staticmethod(normalize_nspp)


class NIB(IdentifierValidator):
    """13-digit business identification number."""

    normalizer = staticmethod(normalize_nib)


class PIRT(IdentifierValidator):
    """15-digit P-IRT number; stored as bare digits, print with ``format_pirt``."""

    normalizer = staticmethod(normalize_pirt)


class CooperativeNumber(IdentifierValidator):
    """Cooperative legal entity number: AHU form or the older ``…/BH/…/YYYY`` form."""

    normalizer = staticmethod(normalize_cooperative_number)


class MobilePhone(IdentifierValidator):
    """Indonesian mobile number, stored as ``08…`` (see ``phone_to_e164`` for ``+62…``)."""

    normalizer = staticmethod(normalize_mobile_phone)


class BankAccountNumber(IdentifierValidator):
    """10–16 digit bank account number."""

    normalizer = staticmethod(normalize_bank_account)


# --------------------------------------------------------------------------------------------
# Passwords
# --------------------------------------------------------------------------------------------

#: The commonest passwords (global lists and Indonesian ones), lower case. Compared with the
#: whole password and with its letters after stripping leading/trailing digits and symbols,
#: so "Bismillah2024!" is rejected as well.
COMMON_PASSWORDS: frozenset[str] = frozenset(
    {
        # global
        "password", "password1", "password123", "passw0rd", "p@ssw0rd", "qwerty", "qwerty123",
        "qwertyuiop", "asdfghjkl", "zxcvbnm", "1q2w3e4r", "1q2w3e4r5t", "abc123", "abcd1234",
        "iloveyou", "admin", "admin123", "administrator", "welcome", "welcome123", "letmein",
        "monkey", "dragon", "football", "sunshine", "princess", "superman", "master",
        "12345678", "123456789", "1234567890", "1234567890a", "a1234567890", "0987654321",
        # Indonesian
        "bismillah", "bismillah123", "alhamdulillah", "assalamualaikum", "subhanallah",
        "indonesia", "indonesia123", "merdeka", "merdeka45", "garuda", "jakarta", "bandung",
        "tangerang", "kabupatentangerang", "sayang", "sayangku", "sayangkamu", "cintaku",
        "akucintakamu", "rahasia", "rahasia123", "katasandi", "katasandi123", "bunda", "mamapapa",
        "persija", "persib", "doraemon", "sibantu", "sibantu123",
    }
)  # fmt: skip

_EDGE_NON_LETTERS = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_PASSWORD_SEPARATORS = re.compile(r"[\s.\-_]+")


def _field_data(form: Form, name: str) -> str:
    """``form[name].data`` as a string, or "" when the form has no such field."""
    if name not in form:
        return ""
    data = form[name].data
    return data if isinstance(data, str) else ""


class PasswordPolicy:
    """Password rules for new and changed passwords.

    At least ``min_length`` characters (default 10) with both letters and digits; not one of
    :data:`COMMON_PASSWORDS` (also with digits/symbols added at either end); not containing the
    e-mail's local part (when it has 3+ characters) or the mobile number from the same form's
    ``email`` and ``phone`` fields, if the form has them. Empty input passes (DataRequired's job).
    """

    def __init__(
        self,
        min_length: int = 10,
        email_field: str = "email",
        phone_field: str = "phone",
    ) -> None:
        self.min_length = min_length
        self.email_field = email_field
        self.phone_field = phone_field

    def __call__(self, form: Form, field: Field) -> None:
        password = field.data
        if not isinstance(password, str) or password == "":
            return
        if len(password) < self.min_length:
            raise ValidationError(
                _l(
                    "Kata sandi minimal %(min)s karakter (Anda mengisi %(length)s)",
                    min=self.min_length,
                    length=len(password),
                )
            )
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError(_l("Kata sandi harus berisi huruf dan angka"))
        lowered = password.lower()
        if lowered in COMMON_PASSWORDS or _EDGE_NON_LETTERS.sub("", lowered) in COMMON_PASSWORDS:
            raise ValidationError(
                _l("Kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain")
            )
        if self._contains_email(form, lowered):
            raise ValidationError(_l("Kata sandi tidak boleh memuat nama pada alamat e-mail Anda"))
        if self._contains_phone(form, lowered):
            raise ValidationError(_l("Kata sandi tidak boleh memuat nomor HP Anda"))

    def _contains_email(self, form: Form, lowered: str) -> bool:
        email = _field_data(form, self.email_field).strip().lower()
        local = email.split("@", 1)[0].split("+", 1)[0]
        if len(local) < 3:
            return False
        compact_local = _PASSWORD_SEPARATORS.sub("", local)
        compact_password = _PASSWORD_SEPARATORS.sub("", lowered)
        return local in lowered or (len(compact_local) >= 3 and compact_local in compact_password)

    def _contains_phone(self, form: Form, lowered: str) -> bool:
        try:
            phone = normalize_mobile_phone(_field_data(form, self.phone_field))
        except IdentifierError:
            return False  # no phone, or an invalid one that its own validator reports
        significant = phone[1:]  # "81234567890" also covers 0812… and 62812…
        return significant in _PASSWORD_SEPARATORS.sub("", lowered)
