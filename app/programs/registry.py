"""The programs the app runs: definitions from files, and the pinned snapshots in the database.

New applications start on the current file's version; an application in flight is always run on
the snapshot of the (key, version) it pinned, even after the file has moved on.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app

from app.extensions import db
from app.programs.forms import bind_normalizers, declared_form
from app.programs.models import ProgramVersion
from workflows import (
    DEFINITIONS_DIR,
    DefinitionError,
    Problem,
    ProgramDefinition,
    parse_definition,
)
from workflows.form_model import Form
from workflows.loading import read_definitions
from workflows.parse_kind import ApplicantKind, known_kinds, read_kinds, register_kinds


class ProgramRegistry:
    def __init__(self, directories: list[Path]):
        self.directories = directories
        self._current: dict[str, ProgramDefinition] = {}
        self._pinned: dict[tuple[str, int], ProgramDefinition] = {}
        #: Why files were left out (an invalid file is never served; see ``init_app``).
        self.problems: list[Problem] = []
        self.kind_problems: list[Problem] = []
        for directory in directories[1:]:  # the shipped kinds are known from the start
            kinds, problems = read_kinds(directory / "kinds")
            register_kinds(kinds)
            self.kind_problems.extend(problems)
        self.problems.extend(self.kind_problems)
        for directory in directories:
            # Agencies are data: they are checked against the database at `programs sync`.
            loaded, problems = read_definitions(directory)
            self._current.update(loaded)
            self.problems.extend(problems)

    def kinds(self) -> dict[str, ApplicantKind]:
        """Every applicant kind: shipped, and from PROGRAMS_DIR/kinds."""
        return known_kinds()

    def kind(self, key: str) -> ApplicantKind | None:
        return known_kinds().get(key)

    def current(self, key: str) -> ProgramDefinition | None:
        return self._current.get(key)

    def current_definitions(self) -> list[ProgramDefinition]:
        return sorted(self._current.values(), key=lambda d: d.key)

    def form_of(self, defn: ProgramDefinition) -> Form:
        """The application form of ``defn`` (an old snapshot's named form: the current one)."""
        return declared_form(defn, self._current.get(defn.key))

    def pinned(self, key: str, version: int) -> ProgramDefinition:
        """The definition an application pinned (from the database snapshot)."""
        current = self._current.get(key)
        if current is not None and current.version == version:
            return current
        if (key, version) not in self._pinned:
            snapshot = db.session.scalar(
                sa.select(ProgramVersion).where(
                    ProgramVersion.program_key == key, ProgramVersion.version == version
                )
            )
            if snapshot is None:
                raise LookupError(f"no snapshot of program {key} version {version}")
            self._pinned[(key, version)] = parse_definition(
                snapshot.definition, source=f"db:{key}@{version}"
            )
        return self._pinned[(key, version)]


def init_app(app: Flask) -> None:
    """Load and validate every definition: the app refuses to start on an invalid one.

    Under the ``flask`` command (``PROGRAMS_STRICT`` false) it starts without the invalid files
    and says so, so ``flask programs validate`` can list every problem.
    """
    directories = [Path(DEFINITIONS_DIR)]
    if app.config.get("PROGRAMS_DIR"):
        directories.extend(Path(p) for p in str(app.config["PROGRAMS_DIR"]).split(":") if p)
    bind_normalizers()
    programs = ProgramRegistry(directories)
    if programs.problems:
        if _strict(app):
            raise DefinitionError(programs.problems)
        print(  # noqa: T201  (the CLI's warning before any command runs)
            f"SIBANTU: {len(programs.problems)} masalah pada definisi program; file yang "
            "tidak valid diabaikan (lihat `flask programs validate`).",
            file=sys.stderr,
        )
    app.extensions["sibantu.programs"] = programs


def _strict(app: Flask) -> bool:
    if app.config.get("PROGRAMS_STRICT") is not None:
        return bool(app.config["PROGRAMS_STRICT"])
    return os.environ.get("FLASK_RUN_FROM_CLI") != "true"


def registry() -> ProgramRegistry:
    return current_app.extensions["sibantu.programs"]
