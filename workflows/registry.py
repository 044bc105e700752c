"""Named guards and effects that definitions refer to. Definitions never carry code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .context import TransitionContext
from .model import ProgramDefinition

Reason = dict[str, str]
GuardFn = Callable[[TransitionContext, ProgramDefinition], Reason | None]

GUARDS: dict[str, GuardFn] = {}


def guard(name: str, *, replace: bool = False) -> Callable[[GuardFn], GuardFn]:
    """Register a pure guard ``fn(ctx, defn) -> None | {"id": ..., "en": ...}`` under ``name``.

    ``None`` allows the transition; a dict is the reason for refusing it, shown to the user.
    """

    def register(fn: GuardFn) -> GuardFn:
        if name in GUARDS and GUARDS[name] is not fn and not replace:
            raise ValueError(f"guard {name!r} is already registered")
        GUARDS[name] = fn
        return fn

    return register


class EffectRegistry:
    """Effect names with descriptions; the app binds a handler to each name at start-up.

    Planning only lists effect names; running them is the app's job (``handler(name)``).
    """

    def __init__(self) -> None:
        self._descriptions: dict[str, str] = {}
        self._handlers: dict[str, Callable[..., Any]] = {}

    def register(self, name: str, description: str) -> None:
        if name in self._descriptions and self._descriptions[name] != description:
            raise ValueError(f"effect {name!r} is already registered")
        self._descriptions[name] = description

    def bind(self, name: str, fn: Callable[..., Any]) -> None:
        if name not in self._descriptions:
            raise KeyError(f"unknown effect {name!r}")
        self._handlers[name] = fn

    def handler(self, name: str) -> Callable[..., Any] | None:
        return self._handlers.get(name)

    def description(self, name: str) -> str:
        return self._descriptions[name]

    def unbound(self) -> list[str]:
        """Registered names with no handler yet (the app can refuse to start on these)."""
        return sorted(set(self._descriptions) - set(self._handlers))

    def __contains__(self, name: object) -> bool:
        return name in self._descriptions

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._descriptions))

    def __len__(self) -> int:
        return len(self._descriptions)


EFFECTS = EffectRegistry()

for _name, _description in {
    "reserve_budget": "Reserve the application's amount against the fiscal year's budget ceiling.",
    "release_budget": "Release any budget reserved for the application (no-op when none).",
    "create_disbursements": "Create one disbursement row per tranche or instalment.",
    "record_tranche_paid": "Record the transfer of the tranche paid at this stage.",
    "record_transfer_failed": "Record that the transfer of this stage's tranche failed.",
    "schedule_report": "Open the next report the recipient owes, with its due date.",
    "issue_decision_letter": "Produce the decision letter (SK) naming recipient and amount.",
    "issue_agreement": "Produce the agreement (NPHD or loan agreement) for signature.",
    "mark_completed": "Close the application as completed and its disbursements as settled.",
}.items():
    EFFECTS.register(_name, _description)
