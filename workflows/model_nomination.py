"""The ``nomination:`` section as data (read by ``parse_nomination``)."""

from __future__ import annotations

from dataclasses import dataclass

from .text import JSON


@dataclass(frozen=True)
class Nomination:
    """The program is proposed by an operator (``by``), scoped to the operator's desa or school."""

    by: str
    self_application: bool = True
    #: (form field key, file column) where the column is not the key
    columns: tuple[tuple[str, str], ...] = ()

    def column_of(self, field_key: str) -> str:
        return dict(self.columns).get(field_key, field_key)

    def to_dict(self) -> JSON:
        return {"by": self.by, "self_application": self.self_application,
                "columns": dict(self.columns)}
