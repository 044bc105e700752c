"""Response building blocks shared by several resources."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    """A text in Indonesian (`id`) and English (`en`)."""

    id: str
    en: str


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class In(BaseModel):
    """Request bodies refuse unknown fields (a typo is an error, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


def text(value: Any) -> Text:
    return Text(**value.to_dict()) if hasattr(value, "to_dict") else Text(**value)


ReasonField = Field(None, max_length=2000, description="Why (required by some transitions)")
