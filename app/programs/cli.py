from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.agencies.seed import seed_agencies
from app.extensions import db
from app.programs import operations as ops
from app.programs.registry import registry
from workflows import DEFINITIONS_DIR, DefinitionError, load_definition

programs_cli = click.Group("programs", help="Program definitions (workflows/definitions/*.yaml).")


@programs_cli.command("validate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-db", is_flag=True, help="check the files only, not against the database")
@with_appcontext
def validate(files: tuple[Path, ...], no_db: bool) -> None:
    """Validate definition files (by default the shipped ones and every PROGRAMS_DIR file),
    forms included, also against live applications."""
    use_db = not no_db and _database_ready()
    known = None if use_db else set(seed_agencies())  # with a database, its table decides
    definitions, failed = [], False
    for problem in registry().kind_problems:
        click.echo(str(problem), err=True)
        failed = True
    for path in files or _definition_files():
        try:
            definitions.append(load_definition(path, known_agencies=known))
        except DefinitionError as exc:
            click.echo(str(exc), err=True)
            failed = True
    for defn in definitions if use_db else ():
        for problem in ops.conflicts(defn):
            click.echo(problem, err=True)
            failed = True
    if failed:
        sys.exit(1)
    click.echo(f"{len(definitions)} definisi program valid.")


def _definition_files() -> tuple[Path, ...]:
    directories = [Path(DEFINITIONS_DIR)]
    directories += [
        Path(p) for p in str(current_app.config.get("PROGRAMS_DIR") or "").split(":") if p
    ]
    return tuple(path for d in directories for path in sorted(d.glob("*.yaml")))


def _database_ready() -> bool:
    try:
        return sa.inspect(db.engine).has_table("program_versions")
    except sa.exc.OperationalError:
        return False


@programs_cli.command("sync")
@with_appcontext
def sync() -> None:
    """Record the current definitions (and budget rows) in the database."""
    try:
        for defn in registry().current_definitions():
            ops.sync_program(defn)
            click.echo(f"{defn.key} v{defn.version}")
    except ops.ProgramConflict as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
