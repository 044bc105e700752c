"""Staff scopes, declared in ``data/scopes.yaml``: where each role is held (an agency, a desa, a
school) and what may narrow it (a kecamatan office, a desa). The rules the database used to hold
as CHECKs (``staff_role_has_agency``, ``village_operator_has_desa``) and the narrowing of what a
holder sees and works are read from the declaration; adding a narrowing scope over another
``applications`` column is a data change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from flask_babel import lazy_gettext as _l

SCOPES_FILE = Path(__file__).resolve().parent / "data" / "scopes.yaml"


@dataclass(frozen=True)
class Scope:
    key: str
    label: dict[str, str]
    assignment_column: str
    region_levels: tuple[str, ...] = ()
    application_column: str | None = None


@dataclass(frozen=True)
class RoleScope:
    role: str
    held_at: Scope | None
    narrowed_by: tuple[Scope, ...]


@cache
def declared_roles() -> dict[str, RoleScope]:
    data = yaml.safe_load(SCOPES_FILE.read_text(encoding="utf-8"))
    scopes = {
        key: Scope(key, s["label"], s["assignment_column"], tuple(s.get("region_levels", ())),
                   s.get("application_column"))
        for key, s in data["scopes"].items()
    }
    return {
        role: RoleScope(role, scopes[r["held_at"]] if r.get("held_at") else None,
                        tuple(scopes[k] for k in r.get("narrowed_by", ())))
        for role, r in data["roles"].items()
    }


def assignment_problem(
    role: str, *, agency_code: str | None, region_code: str | None, region_level: str | None
) -> Any:
    """Why an assignment of ``role`` with these values is refused (a lazy message), or None."""
    declared = declared_roles().get(role)
    if declared is None:
        return _l("Peran tidak dikenal.")
    held = declared.held_at
    if held is not None and held.assignment_column == "agency_id" and not agency_code:
        return _l("Peran ini wajib dikaitkan dengan OPD.")
    if held is not None and held.assignment_column == "region_code" and not region_code:
        return _l("Peran ini wajib memiliki kode wilayah (%(levels)s).",
                  levels=", ".join(held.region_levels))
    if region_code:
        levels = {level for s in _region_scopes(declared) for level in s.region_levels}
        if region_level not in levels:
            return _l("Kode wilayah ini tidak dapat dipakai untuk peran ini.")
    return None


def _region_scopes(declared: RoleScope) -> list[Scope]:
    candidates = ([declared.held_at] if declared.held_at else []) + list(declared.narrowed_by)
    return [s for s in candidates if s.assignment_column == "region_code"]


def limits(assignment: Any) -> list[tuple[str, str]]:
    """(applications column, value) pairs narrowing ``assignment``; empty when it is not narrowed
    (any one pair holding is enough: a kecamatan code never equals a desa code)."""
    declared = declared_roles().get(assignment.role)
    if declared is None:
        return []
    pairs = []
    for scope in declared.narrowed_by:
        value = getattr(assignment, scope.assignment_column, None)
        if value and scope.application_column:
            pairs.append((scope.application_column, value))
    return pairs


def within(assignment: Any, application: Any) -> bool:
    """``application`` lies inside what ``assignment`` is narrowed to (always, if not narrowed)."""
    pairs = limits(assignment)
    return not pairs or any(getattr(application, column) == value for column, value in pairs)


def sql_within(application_table: Any, pairs: list[tuple[str, str]]) -> Any:
    """The SQL condition of ``within`` over ``pairs`` (callers skip it when ``pairs`` is empty)."""
    return sa.or_(*(getattr(application_table, column) == value for column, value in pairs))
