"""What planning is given: who acts (``Actor``) and what the app knows when they try an action
(``TransitionContext``). Guards read both; the engine plans with them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``roles`` holds (role, agency_code) pairs; operators use agency None.

    ``is_applicant``: the actor owns or belongs to the applying organisation or account.
    ``nominated``: the actor is the operator the application names (the village operator
    who nominated it, or the operator of the student's school).
    """

    user_id: int | None
    roles: frozenset[tuple[str, str | None]] = frozenset()
    is_applicant: bool = False
    nominated: bool = False

    def holds(self, role: str, agency: str | None = None) -> bool:
        """Holds ``role`` at ``agency``; with ``agency`` None, at any agency."""
        if agency is None:
            return any(r == role for r, _ in self.roles)
        return (role, agency) in self.roles


@dataclass(frozen=True)
class TransitionContext:
    """What the app knows about the application when the actor tries an action."""

    stage: str
    returned_from: str | None = None
    reason: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    documents: frozenset[str] = frozenset()
    facts: Mapping[str, Any] = field(default_factory=dict)
