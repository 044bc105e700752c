from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.registers.models import REGISTERS
from app.registers.operations import RegisterFileError, import_register

registers_cli = click.Group("registers", help="Reference registers (DTKS/DTSEN, pesantren).")


@registers_cli.command("import")
@click.argument("register", type=click.Choice(REGISTERS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(register: str, file: Path) -> None:
    """Import a CSV/XLSX register file; prints a row-by-row report of refused rows."""

    def progress(rows):
        with click.progressbar(rows, label=f"Mengimpor {file.name}", file=sys.stderr) as bar:
            yield from bar

    try:
        batch, report = import_register(register, file.name, file.read_bytes(), progress=progress)
    except RegisterFileError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    for result in report.refused:
        click.echo(f"baris {result.row}: {result.message}")
    click.echo(
        f"{report.accepted} baris diterima, {len(report.refused)} ditolak (impor #{batch.id})."
    )
