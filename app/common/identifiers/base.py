"""Shared machinery of the identifier families: messages, errors, the numeric normaliser.

The package ``app.common.identifiers`` re-exports the public names (DOMAIN.md §5).

Pure functions, no Flask. Every ``normalize_*`` function either returns the canonical form of
its input (which normalises to itself again) or raises :class:`IdentifierError`; for any ``str``
input it never raises anything else.

Messages: ``IdentifierError.message_id`` is the Indonesian text shown to users, ``message_en``
the English text for logs and API clients. ``template_id`` + ``params`` carry the uninterpolated
Indonesian template so a gettext caller can translate first and interpolate afterwards
(``forms.validators`` does this through Flask-Babel). Templates are wrapped in ``N_``, a no-op
that pybabel extracts with its default keywords, so they reach the message catalog.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

#: Kabupaten Tangerang: province 36 (Banten), regency 03.
REGENCY_CODE = "3603"
#: NSPP examples start with 5100 + province + regency (DOMAIN.md §5, inferred).
NSPP_PREFIX = "5100"
MASK_CHAR = "\u2022"  # BULLET

#: Mobile numbers are ``08[1-9]`` followed by this many digits (DOMAIN.md §5).
MOBILE_MIN_TRAILING_DIGITS = 6
MOBILE_MAX_TRAILING_DIGITS = 9

BANK_ACCOUNT_MIN_DIGITS = 10
BANK_ACCOUNT_MAX_DIGITS = 16

COOPERATIVE_MIN_YEAR = 1945


def N_(message: str) -> str:
    """Mark a string for catalog extraction without translating it here."""
    return message


class Gender(StrEnum):
    """Gender as encoded in a NIK; values follow the KTP convention."""

    MALE = "L"  # laki-laki
    FEMALE = "P"  # perempuan


class IdentifierError(ValueError):
    """An identifier failed validation.

    ``code`` is stable (e.g. ``"nik.length"``) and meant for programs; ``message_id`` and
    ``message_en`` are the final Indonesian and English messages.
    """

    def __init__(
        self,
        code: str,
        message_id: str,
        message_en: str,
        *,
        template_id: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_id = message_id
        self.message_en = message_en
        self.template_id = template_id if template_id is not None else message_id
        self.params: dict[str, Any] = dict(params or {})

    def __repr__(self) -> str:
        return f"IdentifierError({self.code!r}, {self.message_id!r}, {self.message_en!r})"


_Message = tuple[str, str]  # (Indonesian template, English template)


def _fail(code: str, message: _Message, /, **params: Any) -> IdentifierError:
    """Build (not raise) an error; templates use ``%(name)s`` placeholders."""
    template_id, template_en = message
    if params:
        return IdentifierError(
            code,
            template_id % params,
            template_en % params,
            template_id=template_id,
            params=params,
        )
    return IdentifierError(code, template_id, template_en)


# --------------------------------------------------------------------------------------------
# Numeric identifiers: shared machinery
# --------------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s.\-]+")  # \s also covers NBSP and other Unicode spaces
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() accepts e.g. "²" and "٣"


def _show_char(char: str) -> str:
    """A character as it may safely appear in a message."""
    if char.isprintable() and not char.isspace():
        return char
    return f"U+{ord(char):04X}"


def _first_non_digit(value: str) -> str:
    return next((_show_char(c) for c in value if not "0" <= c <= "9"), "")


class _Numeric:
    """Messages and length rule for a purely numeric identifier."""

    def __init__(
        self,
        code: str,
        length: int,
        empty: _Message,
        chars: _Message,
        wrong_length: _Message,
    ) -> None:
        self.code = code
        self.length = length
        self.empty = empty
        self.chars = chars
        self.wrong_length = wrong_length

    def digits(self, raw: object, separators: re.Pattern[str] = _SEPARATORS) -> str:
        """Strip separators; only ASCII digits may remain. Length is not checked."""
        if not isinstance(raw, str):
            raise _fail(f"{self.code}.empty", self.empty)
        value = separators.sub("", raw)
        if not value:
            raise _fail(f"{self.code}.empty", self.empty)
        if not _DIGITS.fullmatch(value):
            raise _fail(f"{self.code}.chars", self.chars, char=_first_non_digit(value))
        return value

    def fixed(self, raw: object) -> str:
        value = self.digits(raw)
        if len(value) != self.length:
            raise _fail(f"{self.code}.length", self.wrong_length, length=len(value))
        return value
