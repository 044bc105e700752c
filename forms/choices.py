"""Options of a select or radio field, as WTForms' ``SelectChoice`` objects.

WTForms 3.3 deprecates ``(value, label)`` tuples and ``{group: [...]}`` dicts as ``choices``, and
3.4 removes them. Every form builds its options here, from the plain ``(value, label)`` pairs the
domains return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice


def options(pairs: Iterable[tuple[Any, Any]], *, optgroup: str | None = None
            ) -> list[SelectChoice]:
    """``(value, label)`` pairs as options, all in ``optgroup`` (None: outside any group)."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


#: Ya / Tidak, the options of every yes-or-no question (stored as "ya" / "tidak")
YES_NO = options([("ya", _l("Ya")), ("tidak", _l("Tidak"))])


def grouped(groups: Mapping[str | None, Iterable[tuple[Any, Any]]]) -> list[SelectChoice]:
    """Options under ``<optgroup>`` labels, in the mapping's order; the pairs under the key None
    are rendered outside any group (a placeholder first, say)."""
    return [choice for label, pairs in groups.items()
            for choice in options(pairs, optgroup=label)]
