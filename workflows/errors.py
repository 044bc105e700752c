"""Errors raised by definition loading and by transition planning."""

from __future__ import annotations

from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong with a definition: where it is and what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


class DefinitionError(Exception):
    """A definition (or several) failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class TransitionDenied(Exception):
    """A transition may not be fired; ``code`` says why, ``message`` explains in id and en."""

    def __init__(
        self, code: str, message: dict[str, str], reasons: list[dict[str, str]] | None = None
    ) -> None:
        self.code = code
        self.message = message
        self.reasons = reasons or [message]
        super().__init__(f"{code}: {message['en']}")
