"""The ground floor of the definition model: bilingual texts, choices, and the JSON form every
definition class serialises to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

JSON = dict[str, Any]


def json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [json_value(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def opt(value: Any) -> Any:
    return None if value is None else json_value(value)


@dataclass(frozen=True)
class Text:
    """A user-facing text in Indonesian (``id``) and English (``en``)."""

    id: str
    en: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "en": self.en}


@dataclass(frozen=True)
class Choice:
    key: str
    label: Text

    def to_dict(self) -> JSON:
        return {"key": self.key, "label": self.label.to_dict()}
