"""Nomination (``nomination:``): who proposes people for a program, and whether they may apply
themselves.

```yaml
nomination:
  by: village_operator          # or school_operator; the operator's desa (or school) is the scope:
                                # a school's nominations carry its NPSN (answers.school_npsn)
  self_application: false       # default true: residents may also apply on their own
  columns: {pupil_count: jumlah_santri}   # optional: a form field's column in the nomination file
```

A nomination file (CSV/XLSX) and the API's nomination body carry the person's identity columns
(``IDENTITY_COLUMNS``) and one column per declared form field, named by the field's key unless
``columns`` names it otherwise. The answers are checked by the declared form like any other.
"""

from __future__ import annotations

from typing import Any

from . import constants as c
from ._reader import KEY, Reader, join
from .model_nomination import Nomination

#: the person's columns of a nomination file (the app maps them onto the person's record)
IDENTITY_COLUMNS = (
    "nama", "nik", "kode_desa", "alamat", "no_hp", "npwp", "bank", "no_rekening",
    "mengajar_sejak", "asn", "penghasilan_tetap",
)


def parse_nomination(r: Reader, value: Any) -> Nomination | None:
    if value is None:
        return None
    data = r.mapping(value, "nomination", ("by",), ("self_application", "columns"))
    if data is None:
        return None
    by = r.choice(data.get("by"), "nomination.by", c.OPERATOR_ROLES, "operator role")
    self_application = r.boolean(data.get("self_application"), "nomination.self_application",
                                 True)
    columns = _columns(r, data.get("columns"))
    return None if by is None else Nomination(by, self_application, columns)


def _columns(r: Reader, value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    data = r.mapping(value, "nomination.columns")
    pairs = []
    for key, column in (data or {}).items():
        path = join("nomination.columns", str(key))
        if r.string(column, path, KEY) is not None:
            pairs.append((str(key), column))
    return tuple(pairs)


def check_nomination(r: Reader, nomination: Nomination | None, *, form: Any,
                     transitions: list, initial_stage: str | None,
                     applicant_kinds: tuple[str, ...]) -> None:
    """References to other sections: form fields, the operator's submission, people."""
    if nomination is None:
        return
    if "perorangan" not in applicant_kinds:
        r.error("nomination", "operators nominate people: applicant_kinds must list perorangan")
    if not any(t.submits and t.from_stage == initial_stage and nomination.by in t.roles
               for _, t in transitions):
        r.error("nomination.by", f"no submission from the initial stage {initial_stage!r} "
                f"lists {nomination.by!r} in its roles (the nominations could not be sent)")
    fields = [] if form is None or not form.is_declared else [f.key for f in form.fields]
    for key, _column in nomination.columns:
        if key not in fields:
            r.error(join("nomination.columns", key), f"unknown form field {key!r}")
    seen: dict[str, str] = {}
    for key in fields:
        column = nomination.column_of(key)
        if column in IDENTITY_COLUMNS:
            r.error("nomination.columns", f"form field {key!r} would use the column {column!r} "
                    "of the person's identity; name another column for it")
        elif column in seen:
            r.error("nomination.columns", f"column {column!r} used by {seen[column]!r} and "
                    f"{key!r}")
        seen[column] = key
