"""Keeping the database's program rows and snapshots in step with the definition files."""

from __future__ import annotations

import sqlalchemy as sa

from app.agencies.models import Agency
from app.applications.models import Application
from app.audit.operations import record
from app.extensions import db
from app.programs.models import Program, ProgramBudget, ProgramVersion
from workflows import ProgramDefinition


class ProgramConflict(Exception):
    """A definition file contradicts what the database already holds."""


def conflicts(defn: ProgramDefinition) -> list[str]:
    """Why this definition may not replace what the database has (empty when it may)."""
    problems = _unknown_agencies(defn)
    snapshot = db.session.scalar(
        sa.select(ProgramVersion).where(
            ProgramVersion.program_key == defn.key, ProgramVersion.version == defn.version
        )
    )
    if snapshot is not None and snapshot.digest != defn.digest():
        problems.append(
            f"{defn.key}: version {defn.version} is already in the database with different "
            "content; "
            "increase `version` for a changed definition"
        )
    live_stages = db.session.execute(
        sa.select(Application.stage, sa.func.count())
        .where(
            Application.program_key == defn.key,
            Application.definition_version == defn.version,
            Application.closed_dt.is_(None),
        )
        .group_by(Application.stage)
    ).all()
    for stage, count in live_stages:
        if not defn.has_stage(stage):
            problems.append(
                f"{defn.key}: stage '{stage}' was removed or renamed but {count} live "
                "application(s) of "
                f"version {defn.version} are in it"
            )
    return problems


def _unknown_agencies(defn: ProgramDefinition) -> list[str]:
    named = set(defn.agencies) | {s.agency for s in defn.stages if s.agency}
    known = set(db.session.scalars(sa.select(Agency.code)))
    return [
        f"{defn.key}: agency '{code}' does not exist (add it first)"
        for code in sorted(named - known)
    ]


def sync_program(defn: ProgramDefinition) -> Program:
    """Insert the program, its version snapshot and its budget rows where missing."""
    problems = conflicts(defn)
    if problems:
        raise ProgramConflict("; ".join(problems))
    program = db.session.get(Program, defn.key)
    if program is None:
        program = Program(key=defn.key, name=defn.name.id, current_version=defn.version)
        db.session.add(program)
        db.session.flush()
    if program.current_version != defn.version or not _has_snapshot(defn):
        if not _has_snapshot(defn):
            db.session.add(
                ProgramVersion(
                    program_key=defn.key,
                    version=defn.version,
                    definition=defn.to_dict(),
                    digest=defn.digest(),
                )
            )
        program.current_version = max(program.current_version, defn.version)
        record(
            "program.version_loaded",
            program_key=defn.key,
            object_type="program",
            object_id=defn.key,
            object_version=defn.version,
            summary={"digest": defn.digest()},
        )
    _ensure_budgets(defn)
    db.session.flush()
    return program


def _has_snapshot(defn: ProgramDefinition) -> bool:
    return (
        db.session.scalar(
            sa.select(ProgramVersion.id).where(
                ProgramVersion.program_key == defn.key, ProgramVersion.version == defn.version
            )
        )
        is not None
    )


def _ensure_budgets(defn: ProgramDefinition) -> None:
    for year, ceiling in defn.budget.ceilings:
        exists = db.session.scalar(
            sa.select(ProgramBudget.id).where(
                ProgramBudget.program_key == defn.key, ProgramBudget.fiscal_year == int(year)
            )
        )
        if exists is None:
            db.session.add(
                ProgramBudget(program_key=defn.key, fiscal_year=int(year), ceiling=ceiling)
            )


def sync_programs_naming(agency_code: str, definitions: list[ProgramDefinition]) -> list[str]:
    """Record the programs that were waiting for ``agency_code`` (just added) and now may be."""
    synced = []
    for defn in definitions:
        named = set(defn.agencies) | {s.agency for s in defn.stages if s.agency}
        if agency_code in named and not _has_snapshot(defn) and not conflicts(defn):
            sync_program(defn)
            synced.append(defn.key)
    return synced
