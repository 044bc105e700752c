"""Applicant kinds as data (``workflows/kinds/*.yaml``, also ``<PROGRAMS_DIR>/kinds/*.yaml``).

A kind declares its name, whether an organisation or a person holds it, and the profile fields
and identifiers it has beyond those every organisation has, in the same field schema as a
program's ``form:``. A definition's ``applicant_kinds`` must name known kinds; the registry here
is what ``parsing`` asks (the app registers the kinds of its PROGRAMS_DIR before loading
definitions). A new kind (a mosque's board, a farmers' group) needs no code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._reader import Reader
from .errors import Problem
from .form_model import Form
from .model import Text
from .parse_form import parse_form
from .yamlio import load_yaml

KINDS_DIR = Path(__file__).resolve().parent / "kinds"
HOLDERS = frozenset({"organization", "person"})
#: what every organisation has (columns of ``organizations``): a kind may not redeclare them
COMMON_FIELDS = frozenset(
    {
        "name", "leader_name", "address", "desa_code", "phone", "email", "npwp",
        "founded_on", "active", "kind", "profile",
    }
)  # fmt: skip


@dataclass(frozen=True)
class ApplicantKind:
    key: str
    name: Text
    holder: str
    form: Form

    @property
    def is_organization(self) -> bool:
        return self.holder == "organization"


_SHIPPED: dict[str, ApplicantKind] = {}
_REGISTERED: dict[str, ApplicantKind] = {}


def parse_kind(r: Reader, data: Any) -> ApplicantKind | None:
    top = r.mapping(data, "", ("key", "name", "holder"), ("form",))
    if top is None:
        return None
    key = r.key(top.get("key"), "key")
    name = r.text(top.get("name"), "name")
    holder = r.choice(top.get("holder"), "holder", HOLDERS, "holder")
    form = Form() if top.get("form") is None else parse_form(r, top.get("form"))
    if holder == "person" and form is not None and form.steps:
        r.error("form", "a kind held by a person uses the personal profile: declare no form")
    for spec in form.fields if form is not None else ():
        if spec.key in COMMON_FIELDS:
            r.error("form", f"field {spec.key!r} is one every organisation has; do not redeclare")
    if r.problems or None in (key, name, holder, form):
        return None
    return ApplicantKind(key, name, holder, form)


def read_kinds(directory: str | Path) -> tuple[dict[str, ApplicantKind], list[Problem]]:
    """The valid kinds in ``directory`` by key, and every file's problems (paths as kinds/x)."""
    kinds: dict[str, ApplicantKind] = {}
    problems: list[Problem] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        reader = Reader(f"kinds/{path.name}")
        try:
            data, duplicates = load_yaml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            reader.error("(file)", f"cannot read kind: {exc}".replace("\n", " "))
            problems.extend(reader.problems)
            continue
        for where, message in duplicates:
            reader.error(where, message)
        kind = parse_kind(reader, data)
        if kind is not None and kind.key != path.stem:
            reader.error("key", f"key {kind.key!r} must match the file name {path.stem!r}")
        problems.extend(reader.problems)
        if kind is not None and not reader.problems:
            kinds[kind.key] = kind
    return kinds, problems


def register_kinds(kinds: dict[str, ApplicantKind]) -> None:
    """Make ``kinds`` known (the shipped ones are known from the start)."""
    _REGISTERED.update(kinds)


def known_kinds() -> dict[str, ApplicantKind]:
    """The shipped kinds (read once) and those registered from PROGRAMS_DIR."""
    if not _SHIPPED:
        shipped, problems = read_kinds(KINDS_DIR)
        if problems:  # a shipped file is part of the code: fail loudly
            raise ValueError("; ".join(str(p) for p in problems))
        _SHIPPED.update(shipped)
    return {**_SHIPPED, **_REGISTERED}


def kind_keys() -> frozenset[str]:
    return frozenset(known_kinds())
