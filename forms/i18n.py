"""WTForms' own messages in Indonesian ("Field must be between 3 and 200 characters long.").

WTForms ships no Indonesian catalog, and Flask-WTF's i18n (``WTF_I18N_ENABLED``) only loads the
catalogs WTForms ships. So our forms derive from ``LocalizedForm``, whose translations map each
WTForms message to an Indonesian msgid of our own catalog; the English catalog translates it
back to WTForms' wording. Messages a validator is given explicitly are not touched.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm

from app.common.identifiers import N_

#: WTForms' English message → our Indonesian msgid (plural forms map to one: Indonesian
#: nouns do not inflect for number)
MESSAGES = {
    "This field is required.": N_("Kolom ini wajib diisi."),
    "Field must be at least %(min)d character long.": N_("Isian minimal %(min)d karakter."),
    "Field must be at least %(min)d characters long.": N_("Isian minimal %(min)d karakter."),
    "Field cannot be longer than %(max)d character.": N_("Isian maksimal %(max)d karakter."),
    "Field cannot be longer than %(max)d characters.": N_("Isian maksimal %(max)d karakter."),
    "Field must be exactly %(max)d character long.": N_("Isian harus tepat %(max)d karakter."),
    "Field must be exactly %(max)d characters long.": N_("Isian harus tepat %(max)d karakter."),
    "Field must be between %(min)d and %(max)d characters long.": N_(
        "Isian harus %(min)d sampai %(max)d karakter."
    ),
    "Field must be equal to %(other_name)s.": N_("Isian harus sama dengan %(other_name)s."),
    "Number must be at least %(min)s.": N_("Angka minimal %(min)s."),
    "Number must be at most %(max)s.": N_("Angka maksimal %(max)s."),
    "Number must be between %(min)s and %(max)s.": N_("Angka harus antara %(min)s dan %(max)s."),
    "Date must be at least %(min)s.": N_("Tanggal paling awal %(min)s."),
    "Date must be at most %(max)s.": N_("Tanggal paling akhir %(max)s."),
    "Date must be between %(min)s and %(max)s.": N_("Tanggal harus antara %(min)s dan %(max)s."),
    "Invalid input.": N_("Isian tidak valid."),
    "Invalid email address.": N_("Alamat e-mail tidak valid."),
    "Invalid URL.": N_("Alamat web tidak valid."),
    "Invalid value, must be one of: %(values)s.": N_(
        "Nilai tidak valid, harus salah satu dari: %(values)s."
    ),
    "Not a valid choice.": N_("Pilihan tidak valid."),
    "Invalid Choice: could not coerce.": N_("Pilihan tidak valid."),
    "Not a valid integer value.": N_("Isian harus bilangan bulat."),
    "Not a valid decimal value.": N_("Isian harus angka."),
    "Not a valid float value.": N_("Isian harus angka."),
    "Not a valid date value.": N_("Tanggal tidak valid."),
    "Not a valid datetime value.": N_("Tanggal dan waktu tidak valid."),
    "Not a valid time value.": N_("Waktu tidak valid."),
    "The CSRF token is missing.": N_("Token keamanan formulir hilang. Muat ulang halaman."),
    "The CSRF token is invalid.": N_("Token keamanan formulir tidak valid. Muat ulang halaman."),
    "The CSRF token has expired.": N_("Formulir kedaluwarsa. Muat ulang halaman."),
    "The CSRF tokens do not match.": N_("Token keamanan formulir tidak cocok. Muat ulang halaman."),
}


class _Translations:
    def gettext(self, string: str) -> str:
        return gettext(MESSAGES[string]) if string in MESSAGES else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


TRANSLATIONS = _Translations()


class LocalizedForm(FlaskForm):
    """A FlaskForm whose built-in messages follow the page language (Indonesian first)."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS
