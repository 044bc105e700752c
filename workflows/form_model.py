"""The application form a definition declares: steps, fields, conditions (``form:``).

Frozen dataclasses like ``model``; ``to_dict()`` gives the YAML shape back. A stored snapshot
from before forms were declared says ``form: <name>``: it parses to a ``Form`` with
``legacy_name`` set and no steps, and serialises back to the bare name so its digest holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .text import Choice, Text

JSON = dict[str, Any]

#: identifier kinds, normalised by the shared validators the app binds (``form_checks``)
IDENTIFIER_TYPES = frozenset(
    {
        "nik",
        "kk",
        "npwp",
        "nisn",
        "npsn",
        "nspp",
        "nib",
        "pirt",
        "phone",
        "cooperative_number",
        "bank_account",
    }
)
#: plain types; ``desa`` is a village/kelurahan code of the regency, chosen from a list
PLAIN_TYPES = frozenset(
    {"text", "long_text", "number", "money", "date", "choice", "yes_no", "desa"}
)
ANSWER_TYPES = PLAIN_TYPES | IDENTIFIER_TYPES
TEXT_TYPES = frozenset({"text", "long_text"})
NUMERIC_TYPES = frozenset({"number", "money"})


@dataclass(frozen=True)
class ShownWhen:
    """The field is asked only while answer ``field`` is one of ``values``."""

    field: str
    values: tuple[Any, ...]

    def holds(self, answers: dict[str, Any]) -> bool:
        return answers.get(self.field) in self.values

    def to_dict(self) -> JSON:
        if len(self.values) == 1:
            return {"field": self.field, "equals": self.values[0]}
        return {"field": self.field, "in": list(self.values)}


@dataclass(frozen=True)
class FormField:
    key: str
    type: str
    label: Text
    help: Text | None = None
    required: bool = True
    min: int | float | None = None
    max: int | float | None = None
    min_length: int | None = None
    max_length: int | None = None
    decimals: int = 0
    options: tuple[Choice, ...] = ()
    shown_when: ShownWhen | None = None
    check: str | None = None

    def option_label(self, key: Any) -> Text | None:
        return next((o.label for o in self.options if o.key == key), None)

    def to_dict(self) -> JSON:
        data: JSON = {"key": self.key, "type": self.type, "label": self.label.to_dict()}
        optional = {
            "help": self.help.to_dict() if self.help else None,
            "min": self.min,
            "max": self.max,
            "min_length": self.min_length,
            "max_length": self.max_length,
            "decimals": self.decimals or None,
            "options": [o.to_dict() for o in self.options] or None,
            "shown_when": self.shown_when.to_dict() if self.shown_when else None,
            "check": self.check,
        }
        data["required"] = self.required
        data.update({k: v for k, v in optional.items() if v is not None})
        return data


@dataclass(frozen=True)
class FormStep:
    key: str
    title: Text
    fields: tuple[FormField, ...]

    def to_dict(self) -> JSON:
        return {
            "key": self.key,
            "title": self.title.to_dict(),
            "fields": [f.to_dict() for f in self.fields],
        }


@dataclass(frozen=True)
class Form:
    steps: tuple[FormStep, ...] = ()
    #: the money answer that is also the application's amount requested (a loan's size)
    amount_field: str | None = None
    #: set only for a pre-declaration snapshot (``form: sanitren``); such a form has no steps
    legacy_name: str | None = None

    @property
    def is_declared(self) -> bool:
        return self.legacy_name is None

    @cached_property
    def fields(self) -> tuple[FormField, ...]:
        return tuple(f for step in self.steps for f in step.fields)

    @cached_property
    def _by_key(self) -> dict[str, FormField]:
        return {f.key: f for f in self.fields}

    def field(self, key: str) -> FormField | None:
        return self._by_key.get(key)

    def to_dict(self) -> JSON | str:
        if self.legacy_name is not None:
            return self.legacy_name
        data: JSON = {"steps": [s.to_dict() for s in self.steps]}
        if self.amount_field:
            data["amount_field"] = self.amount_field
        return data
