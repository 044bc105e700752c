from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.regions.operations import load_reference_regions

regions_cli = click.Group("regions", help="Reference areas (kecamatan, desa/kelurahan).")


@regions_cli.command("load")
@with_appcontext
def load() -> None:
    """Load the official area codes shipped with SIBANTU (idempotent)."""
    added = load_reference_regions()
    db.session.commit()
    click.echo(f"{added} wilayah ditambahkan.")
