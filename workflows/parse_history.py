"""Repeat limits (``once_per``) and program groups (``groups``) of a definition.

A limit counts either live applications (scopes ``ever``, ``fiscal_year``, ``school_year``,
``active``) or earlier *awards* (scope ``awarded``): dated facts across programs, from this
system or from an imported register. An ``awarded`` limit may look back ``within_years`` and
count ``group`` (any program declaring that group) instead of this program alone.
"""

from __future__ import annotations

from typing import Any

from . import constants as c
from ._reader import Reader, join
from .model import OncePer

_ITEM_OPTIONAL = ("blocking", "within_years", "group")
MAX_YEARS = 100


def parse_groups(r: Reader, value: Any) -> tuple[str, ...]:
    """``groups: [housing]``: the program groups a limit may name (``group: housing``)."""
    return r.names(value, "groups", what="program group")


def parse_once_per(r: Reader, value: Any, groups: tuple[str, ...]) -> tuple[OncePer, ...]:
    single = isinstance(value, dict)
    items = [value] if single else r.sequence(value, "once_per")
    policies = []
    for index, item in enumerate(items):
        path = "once_per" if single else join("once_per", index)
        policy = _policy(r, item, path, groups)
        if policy is not None:
            policies.append((path, policy))
    r.unique([(p, _identity(o)) for p, o in policies], "repeat limit")
    return tuple(o for _, o in policies)


def _identity(policy: OncePer) -> str:
    if policy.scope != "awarded":
        return policy.identifier
    return f"{policy.identifier} awarded {policy.group or 'this program'} {policy.within_years}"


def _policy(r: Reader, item: Any, path: str, groups: tuple[str, ...]) -> OncePer | None:
    data = r.mapping(item, path, ("identifier", "scope"), _ITEM_OPTIONAL)
    if data is None:
        return None
    ident = r.choice(data.get("identifier"), join(path, "identifier"), c.IDENTIFIERS, "identifier")
    scope = r.choice(data.get("scope"), join(path, "scope"), c.REPEAT_SCOPES, "repeat scope")
    blocking = r.boolean(data.get("blocking"), join(path, "blocking"), True)
    years, group = data.get("within_years"), data.get("group")
    if scope is not None and scope != "awarded":
        for name in ("within_years", "group"):
            if data.get(name) is not None:
                r.error(join(path, name), f"{name} counts earlier awards: needs scope: awarded")
        years = group = None
    if years is not None:
        years = r.integer(years, join(path, "within_years"), minimum=1, maximum=MAX_YEARS)
    if group is not None and group not in groups:
        declared = ", ".join(groups) or "none"
        r.error(join(path, "group"), f"unknown program group {group!r}; declared in groups: "
                f"{declared}")
        group = None
    if ident is None or scope is None:
        return None
    return OncePer(ident, scope, blocking, within_years=years, group=group)
