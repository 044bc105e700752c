"""Typed reading of plain definition data, collecting every problem instead of stopping."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from .errors import Problem
from .model import Text

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
AGENCY = re.compile(r"^[A-Z][A-Z0-9_]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def kind_of(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a decimal number",
        str: "text",
        list: "a list",
        dict: "a mapping",
        type(None): "nothing",
    }.get(type(value), type(value).__name__)


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Reader:
    """Reads values at paths; each failed read records a Problem and returns None."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def error(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, path or "(top level)", message))

    # --- containers -----------------------------------------------------------------------

    def mapping(
        self,
        value: Any,
        path: str,
        required: Collection[str] = (),
        optional: Collection[str] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, f"must be a mapping, got {kind_of(value)}")
            return None
        allowed = [*required, *optional]
        for name in value if allowed else ():  # no names given: keys are free (e.g. years)
            if name not in allowed:
                self.error(join(path, str(name)), _unknown_field(name, allowed))
        for name in required:
            if value.get(name) is None:
                self.error(join(path, name), "required field is missing")
        return value

    def sequence(self, value: Any, path: str, *, required: bool = False) -> list[Any]:
        if value is None:
            if required:
                self.error(path, "required list is missing or empty")
            return []
        if not isinstance(value, list):
            self.error(path, f"must be a list, got {kind_of(value)}")
            return []
        if required and not value:
            self.error(path, "must not be empty")
        return value

    # --- scalars --------------------------------------------------------------------------

    def text(self, value: Any, path: str) -> Text | None:
        data = self.mapping(value, path, required=("id", "en"))
        if data is None:
            return None
        parts = {}
        for lang in ("id", "en"):
            item = data.get(lang)
            if item is None:
                continue
            if not isinstance(item, str) or not item.strip():
                self.error(join(path, lang), f"must be non-empty text, got {show(item)}")
            else:
                parts[lang] = item.strip()
        return Text(parts["id"], parts["en"]) if len(parts) == 2 else None

    def optional_text(self, value: Any, path: str) -> Text | None:
        return None if value is None else self.text(value, path)

    def string(self, value: Any, path: str, pattern: re.Pattern[str] | None = None) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.error(path, f"must be non-empty text, got {show(value)}")
            return None
        if pattern is not None and not pattern.match(value):
            self.error(path, f"{value!r} is not a valid name (expected {pattern.pattern})")
            return None
        return value

    def key(self, value: Any, path: str) -> str | None:
        return self.string(value, path, KEY)

    def choice(self, value: Any, path: str, allowed: Collection[str], what: str) -> str | None:
        if not isinstance(value, str) or value not in allowed:
            options = ", ".join(sorted(allowed))
            self.error(path, f"unknown {what} {show(value)}; expected one of: {options}")
            return None
        return value

    def boolean(self, value: Any, path: str, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, got {show(value)}")
            return default
        return value

    def integer(
        self, value: Any, path: str, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"must be a whole number, got {kind_of(value)} {show(value)}")
            return None
        if minimum is not None and value < minimum:
            self.error(path, f"must be at least {minimum}, got {value}")
            return None
        if maximum is not None and value > maximum:
            self.error(path, f"must be at most {maximum}, got {value}")
            return None
        return value

    def number(self, value: Any, path: str, minimum: float | None = None) -> int | float | None:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value):
            self.error(path, f"must be a number, got {show(value)}")
            return None
        if minimum is not None and value < minimum:
            self.error(path, f"must be at least {minimum}, got {value}")
            return None
        return value

    def money(self, value: Any, path: str, *, allow_zero: bool = False) -> int | None:
        """Whole rupiah: an integer, never a float; positive unless ``allow_zero``."""
        if isinstance(value, float):
            self.error(path, f"money must be whole rupiah (an integer), got decimal {value!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"money must be whole rupiah (an integer), got {show(value)}")
            return None
        if value < 0:
            self.error(path, f"amount must not be negative, got {value}")
            return None
        if value == 0 and not allow_zero:
            self.error(path, "amount must be more than 0")
            return None
        return value

    def date(self, value: Any, path: str) -> date | None:
        if isinstance(value, datetime):
            self.error(path, f"must be a date (YYYY-MM-DD) without a time, got {value}")
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str) and ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.error(path, f"must be a date (YYYY-MM-DD), got {show(value)}")
        return None

    def names(
        self,
        value: Any,
        path: str,
        *,
        allowed: Collection[str] | None = None,
        what: str = "name",
        pattern: re.Pattern[str] | None = KEY,
        required: bool = False,
    ) -> tuple[str, ...]:
        """A list of distinct names, each checked against ``allowed`` or ``pattern``."""
        result: list[str] = []
        for index, item in enumerate(self.sequence(value, path, required=required)):
            item_path = join(path, index)
            if allowed is not None:
                name = self.choice(item, item_path, allowed, what)
            else:
                name = self.string(item, item_path, pattern)
            if name is None:
                continue
            if name in result:
                self.error(item_path, f"duplicate {what} {name!r}")
                continue
            result.append(name)
        return tuple(result)

    def unique(self, items: Iterable[tuple[str, str | None]], what: str) -> None:
        """Report repeated keys; ``items`` are (path, key) pairs."""
        first: dict[str, str] = {}
        for path, key in items:
            if key is None:
                continue
            if key in first:
                self.error(path, f"duplicate {what} {key!r} (first at {first[key]})")
            else:
                first[key] = path


def _unknown_field(name: Any, allowed: list[str]) -> str:
    close = difflib.get_close_matches(str(name), allowed, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown field {str(name)!r}{hint}; allowed: {', '.join(allowed)}"
