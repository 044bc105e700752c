from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.registers.importing import import_file
from app.registers.models import IMPORTS
from app.registers.operations import RegisterFileError

registers_cli = click.Group(
    "registers", help="Reference registers (DTKS/DTSEN, pesantren) and earlier awards."
)


@registers_cli.command("import")
@click.argument("register", type=click.Choice(IMPORTS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(register: str, file: Path) -> None:
    """Import a CSV/XLSX register or awards file; prints a row-by-row report of refused rows."""

    def progress(rows):
        with click.progressbar(rows, label=f"Mengimpor {file.name}", file=sys.stderr) as bar:
            yield from bar

    try:
        batch, report = import_file(register, file.name, file.read_bytes(), progress=progress)
    except RegisterFileError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    for result in report.refused:
        click.echo(f"baris {result.row}: {result.message}")
    click.echo(
        f"{report.accepted} baris diterima, {len(report.refused)} ditolak (impor #{batch.id})."
    )
