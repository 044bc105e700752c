from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.agencies import operations as ops
from app.extensions import db
from app.programs import operations as programs
from app.programs.registry import registry

agencies_cli = click.Group("agencies", help="Regional agencies (OPD): list, add, rename.")


@agencies_cli.command("list")
@with_appcontext
def list_agencies() -> None:
    """Every agency, code and name."""
    for agency in ops.all_agencies():
        click.echo(f"{agency.code:14} {agency.name}")


@agencies_cli.command("add")
@click.argument("code")
@click.argument("name")
@with_appcontext
def add(code: str, name: str) -> None:
    """Add the agency CODE named NAME (e.g. DPRKPP "Dinas Perumahan ...")."""
    try:
        agency = ops.add_agency(code, name)
    except ops.AgencyRefused as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from refused
    synced = programs.sync_programs_naming(agency.code, registry().current_definitions())
    db.session.commit()
    click.echo(f"OPD {agency.code} ditambahkan: {agency.name}")
    for key in synced:
        click.echo(f"Program {key} yang menunggu OPD ini kini tercatat.")


@agencies_cli.command("rename")
@click.argument("code")
@click.argument("name")
@with_appcontext
def rename(code: str, name: str) -> None:
    """Give the agency CODE the new NAME (its code, used by program definitions, stays)."""
    try:
        agency = ops.rename_agency(code, name)
    except ops.AgencyRefused as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from refused
    db.session.commit()
    click.echo(f"OPD {agency.code} sekarang bernama: {agency.name}")
