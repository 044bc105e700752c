"""Application forms, one module per program form (the ``form:`` name in a definition).

Each module defines ``ApplicationForm`` (a FlaskForm), ``to_answers(form)`` returning
``(answers, amount_requested)`` and ``initial_data(answers)`` for re-opening a saved draft.
Field names equal the answer keys the program's rules read (``answers.<name>``).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from types import ModuleType

FORM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def form_module(name: str) -> ModuleType:
    """The module ``forms/programs/<name>.py`` for a definition's ``form:`` name.

    Adding a program's form is adding that file; only plain names inside this package are
    ever imported (the name comes from a definition file, never from a request).
    """
    qualified = f"forms.programs.{name}"
    if not FORM_NAME.match(name or "") or importlib.util.find_spec(qualified) is None:
        raise LookupError(f"no application form named {name!r}")
    return importlib.import_module(qualified)


def answer_data(form, names: tuple[str, ...]) -> dict:
    """Plain JSON values of the named fields (booleans from yes/no radios)."""
    from forms.portal import yes_no

    answers = {}
    for name in names:
        field = form[name]
        value = field.data
        if field.type == "RadioField" and value in ("ya", "tidak"):
            value = yes_no(value)
        elif hasattr(value, "is_finite"):  # Decimal
            value = float(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        answers[name] = value
    return answers


def initial_from(answers: dict, names: tuple[str, ...]) -> dict:
    from forms.portal import as_yes_no

    data = {}
    for name in names:
        if name in answers:
            value = answers[name]
            data[name] = as_yes_no(value) if isinstance(value, bool) else value
    return data
