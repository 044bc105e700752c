from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.accounts import operations as ops
from app.accounts.roles import ROLES
from app.extensions import db


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--agency", "agency_code", default=None, help="OPD code, e.g. BAPPEDA")
@click.option("--desa", "region_code", default=None, help="desa code for village operators")
@click.password_option("--password", help="asked for when not given")
@with_appcontext
def create_user(
    email: str,
    full_name: str,
    role: str,
    agency_code: str | None,
    region_code: str | None,
    password: str,
) -> None:
    """Create a staff account (or add a role to an existing one)."""
    from app.accounts.roles import AGENCY_ROLES

    if role in AGENCY_ROLES and not agency_code:
        raise click.UsageError(f"role {role} needs --agency")
    try:
        user = ops.create_staff_user(
            email=email,
            full_name=full_name,
            password=password,
            role=role,
            agency_code=agency_code,
            region_code=region_code,
        )
    except ops.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"user {user.email}: {role}{' @ ' + agency_code if agency_code else ''}")
