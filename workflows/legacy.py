"""Reading snapshots pinned before a schema change, so an application finishes on its version.

Version-1 snapshots (stored before forms were declared) name a Python form (``form: sanitren``)
and say nothing of ``submits``: the meaning of a submission was then a list of action names in
the app. That list lives on here, and only here, to read those snapshots the way they ran.
"""

from __future__ import annotations

from typing import Any

#: the actions that handed an application in before transitions declared ``submits``
PRE_SUBMITS_ACTIONS = ("submit", "submit_confirmed", "nominate")


def upgrade(data: Any) -> Any:
    """``data`` with ``submits`` set as version-1 snapshots meant it; anything else unchanged."""
    if not isinstance(data, dict) or not isinstance(data.get("form"), str):
        return data
    transitions = data.get("transitions")
    if not isinstance(transitions, list) or any(
        isinstance(t, dict) and "submits" in t for t in transitions
    ):
        return data
    editable = {
        s.get("key")
        for s in data.get("stages") or []
        if isinstance(s, dict) and "edit" in (s.get("applicant_may") or [])
    }
    upgraded = []
    for t in transitions:
        if isinstance(t, dict) and _submitted(t, editable):
            t = {**t, "submits": True}
        upgraded.append(t)
    return {**data, "transitions": upgraded}


def _submitted(transition: dict, editable: set) -> bool:
    action = transition.get("action")
    if action in PRE_SUBMITS_ACTIONS:
        return True
    return action == "resubmit" and transition.get("from") in editable
