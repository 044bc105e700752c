"""Loading definition files from disk."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import yaml

from ._reader import Reader
from .errors import DefinitionError, Problem
from .model import ProgramDefinition
from .parse_form import LEGACY_HINT
from .parsing import build
from .yamlio import load_yaml

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"


def _read(
    path: Path, known_agencies: Collection[str] | None
) -> tuple[ProgramDefinition | None, list[Problem]]:
    reader = Reader(path.name)
    try:
        data, duplicates = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        reader.error("(file)", f"cannot read file: {exc}")
        return None, reader.problems
    except yaml.YAMLError as exc:
        reader.error("(file)", f"not valid YAML: {exc}".replace("\n", " "))
        return None, reader.problems
    for where, message in duplicates:
        reader.error(where, message)
    definition = build(reader, data, known_agencies)
    if definition is not None and definition.key != path.stem:
        reader.error("key", f"key {definition.key!r} must match the file name {path.stem!r}")
    if definition is not None and not definition.form.is_declared:
        reader.error("form", f"{definition.form.legacy_name!r} {LEGACY_HINT}")
    return (None if reader.problems else definition), reader.problems


def load_definition(
    path: str | Path, *, known_agencies: Collection[str] | None = None
) -> ProgramDefinition:
    """Load and validate one YAML definition; raises DefinitionError listing every problem."""
    definition, problems = _read(Path(path), known_agencies)
    if problems or definition is None:
        raise DefinitionError(problems)
    return definition


def read_definitions(
    directory: str | Path = DEFINITIONS_DIR, *, known_agencies: Collection[str] | None = None
) -> tuple[dict[str, ProgramDefinition], list[Problem]]:
    """The valid ``*.yaml`` definitions in ``directory`` by key, and every file's problems."""
    problems: list[Problem] = []
    loaded: dict[str, ProgramDefinition] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        definition, found = _read(path, known_agencies)
        problems.extend(found)
        if definition is not None:
            loaded[definition.key] = definition
    return loaded, problems


def load_definitions(
    directory: str | Path = DEFINITIONS_DIR, *, known_agencies: Collection[str] | None = None
) -> dict[str, ProgramDefinition]:
    """Load every ``*.yaml`` in ``directory``, keyed by program key.

    Raises one DefinitionError carrying the problems of all files together.
    """
    loaded, problems = read_definitions(directory, known_agencies=known_agencies)
    if problems:
        raise DefinitionError(problems)
    return loaded
