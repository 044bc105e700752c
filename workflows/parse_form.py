"""Reading a definition's ``form:`` section (steps, fields, conditions), every problem at once."""

from __future__ import annotations

from typing import Any

from ._reader import KEY, Reader, join, show
from .form_checks import FORM_CHECKS
from .form_model import (
    ANSWER_TYPES,
    NUMERIC_TYPES,
    TEXT_TYPES,
    Form,
    FormField,
    FormStep,
    ShownWhen,
)
from .model import Choice

LEGACY_HINT = (
    "names a Python form class, which no longer exists; declare the form's steps and fields "
    "(workflows/README.md, Schema: form)"
)
_FIELD_REQUIRED = ("key", "type", "label")
_FIELD_OPTIONAL = (
    "help", "required", "min", "max", "min_length", "max_length", "decimals", "options",
    "shown_when", "check",
)  # fmt: skip


def parse_form(r: Reader, value: Any) -> Form | None:
    """The declared form; a bare name (a snapshot from before declared forms) is kept as such."""
    if isinstance(value, str):
        name = r.key(value, "form")
        return None if name is None else Form(legacy_name=name)
    data = r.mapping(value, "form", ("steps",), ("amount_field",))
    if data is None:
        return None
    located: list[tuple[str, FormField]] = []
    steps = [
        _step(r, s, join("form.steps", i), located)
        for i, s in enumerate(r.sequence(data.get("steps"), "form.steps", required=True))
    ]
    r.unique([(join("form.steps", i), s.key) for i, s in enumerate(steps) if s], "step key")
    _check_fields(r, located, data.get("amount_field"))
    if r.problems or any(s is None for s in steps):
        return None
    return Form(steps=tuple(steps), amount_field=data.get("amount_field"))


def _step(
    r: Reader, value: Any, path: str, located: list[tuple[str, FormField]]
) -> FormStep | None:
    data = r.mapping(value, path, ("key", "title", "fields"))
    if data is None:
        return None
    key = r.key(data.get("key"), join(path, "key"))
    title = r.text(data.get("title"), join(path, "title"))
    items = r.sequence(data.get("fields"), join(path, "fields"), required=True)
    paths = [join(join(path, "fields"), i) for i in range(len(items))]
    fields = [_field(r, f, where) for f, where in zip(items, paths, strict=True)]
    located.extend((where, f) for where, f in zip(paths, fields, strict=True) if f is not None)
    if key is None or title is None or any(f is None for f in fields):
        return None
    return FormStep(key, title, tuple(fields))


def _field(r: Reader, value: Any, path: str) -> FormField | None:
    data = r.mapping(value, path, _FIELD_REQUIRED, _FIELD_OPTIONAL)
    if data is None:
        return None
    key = r.key(data.get("key"), join(path, "key"))
    kind = r.choice(data.get("type"), join(path, "type"), ANSWER_TYPES, "answer type")
    label = r.text(data.get("label"), join(path, "label"))
    help_text = r.optional_text(data.get("help"), join(path, "help"))
    before = len(r.problems)
    spec = FormField(
        key=key or "",
        type=kind or "text",
        label=label or None,
        help=help_text,
        required=r.boolean(data.get("required"), join(path, "required"), True),
        min=_value_bound(r, data.get("min"), join(path, "min"), kind),
        max=_value_bound(r, data.get("max"), join(path, "max"), kind),
        min_length=_length(r, data.get("min_length"), join(path, "min_length"), kind),
        max_length=_length(r, data.get("max_length"), join(path, "max_length"), kind),
        decimals=_decimals(r, data.get("decimals"), join(path, "decimals"), kind),
        options=_options(r, data.get("options"), join(path, "options"), kind),
        shown_when=_shown_when(r, data.get("shown_when"), join(path, "shown_when")),
        check=_check_name(r, data.get("check"), join(path, "check")),
    )
    _check_bounds(r, spec, path)
    if None in (key, kind, label) or len(r.problems) > before:
        return None
    return spec


def _value_bound(r: Reader, value: Any, path: str, kind: str | None) -> int | float | None:
    if value is None:
        return None
    if kind not in NUMERIC_TYPES:
        r.error(path, f"min and max apply only to number and money fields, not {kind}")
        return None
    if kind == "money":
        return r.money(value, path, allow_zero=True)
    return r.number(value, path)


def _length(r: Reader, value: Any, path: str, kind: str | None) -> int | None:
    if value is None:
        return None
    if kind not in TEXT_TYPES:
        r.error(path, f"lengths apply only to text and long_text fields, not {kind}")
        return None
    return r.integer(value, path, minimum=0, maximum=100_000)


def _decimals(r: Reader, value: Any, path: str, kind: str | None) -> int:
    if value is None:
        return 0
    if kind != "number":
        r.error(path, f"decimals apply only to number fields, not {kind}")
        return 0
    return r.integer(value, path, minimum=0, maximum=4) or 0


def _options(r: Reader, value: Any, path: str, kind: str | None) -> tuple[Choice, ...]:
    if kind != "choice":
        if value is not None:
            r.error(path, f"options apply only to choice fields, not {kind}")
        return ()
    options = []
    for index, item in enumerate(r.sequence(value, path, required=True)):
        where = join(path, index)
        data = r.mapping(item, where, ("key", "label"))
        if data is None:
            continue
        key = r.string(data.get("key"), join(where, "key"))
        label = r.text(data.get("label"), join(where, "label"))
        if key and label:
            options.append((where, Choice(key, label)))
    r.unique([(p, o.key) for p, o in options], "option key")
    return tuple(o for _, o in options)


def _shown_when(r: Reader, value: Any, path: str) -> ShownWhen | None:
    if value is None:
        return None
    data = r.mapping(value, path, ("field",), ("equals", "in"))
    if data is None:
        return None
    field = r.key(data.get("field"), join(path, "field"))
    if ("equals" in data) == ("in" in data):
        r.error(path, "give exactly one of equals (one answer) and in (a list of answers)")
        return None
    values = (
        (data["equals"],)
        if "equals" in data
        else tuple(r.sequence(data["in"], path, required=True))
    )
    for item in values:
        if not isinstance(item, str | bool | int) or item is None:
            r.error(
                path, f"a condition compares with text, a number or true/false, got {show(item)}"
            )
            return None
    return None if field is None or not values else ShownWhen(field, values)


def _check_name(r: Reader, value: Any, path: str) -> str | None:
    if value is None:
        return None
    name = r.string(value, path, KEY)
    if name is not None and name not in FORM_CHECKS:
        known = ", ".join(sorted(FORM_CHECKS))
        r.error(path, f"unknown form check {name!r}; registered: {known}")
        return None
    return name


def _check_bounds(r: Reader, spec: FormField, path: str) -> None:
    pairs = (("min", spec.min, spec.max), ("min_length", spec.min_length, spec.max_length))
    for name, low, high in pairs:
        if low is not None and high is not None and low > high:
            r.error(join(path, name), f"{name} ({low}) is more than its maximum ({high})")


def _check_fields(r: Reader, located: list[tuple[str, FormField]], amount_field: Any) -> None:
    """Keys unique across steps; conditions and the amount name earlier, compatible fields."""
    seen: dict[str, FormField] = {}
    for path, spec in located:
        if spec.key in seen:
            r.error(join(path, "key"), f"duplicate field key {spec.key!r}")
        if spec.shown_when is not None:
            _check_condition(r, spec.shown_when, seen, join(path, "shown_when"))
        seen[spec.key] = spec
    if amount_field is not None:
        target = seen.get(amount_field) if isinstance(amount_field, str) else None
        if target is None or target.type != "money":
            r.error("form.amount_field", f"{show(amount_field)} must name a money field")


def _check_condition(r: Reader, when: ShownWhen, earlier: dict[str, FormField], path: str) -> None:
    source = earlier.get(when.field)
    if source is None:
        r.error(join(path, "field"), f"{when.field!r} must be a field asked before this one")
        return
    allowed: tuple[Any, ...] | None = None
    if source.type == "yes_no":
        allowed = (True, False)
    elif source.type == "choice":
        allowed = tuple(o.key for o in source.options)
    if allowed is None:
        r.error(join(path, "field"), "a condition can depend on a yes_no or choice field only")
        return
    for value in when.values:
        if value not in allowed or isinstance(value, bool) != (source.type == "yes_no"):
            r.error(path, f"{show(value)} is not an answer of {when.field!r}")
