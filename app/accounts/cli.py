from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.accounts import operations as ops
from app.accounts import passwords
from app.accounts.roles import ROLES
from app.config import HASH_PARAMS_FILE
from app.extensions import db


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--agency", "agency_code", default=None, help="OPD code, e.g. BAPPEDA")
@click.option("--desa", "--region", "region_code", default=None,
              help="desa code (village operators), or a kecamatan/desa narrowing a reviewer")
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


@click.group("accounts")
def accounts_cli() -> None:
    """Accounts: password hashing."""


@accounts_cli.command("calibrate-hash")
@click.option("--max-ms", default=100.0, show_default=True,
              help="the longest one password check may take on this host")
@click.option("--rounds", default=5, show_default=True, help="timed checks per parameter set")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="file to write the choice to (default: instance/password_hash_params)")
@click.option("--dry-run", is_flag=True, help="measure and print only")
@with_appcontext
def calibrate_hash(max_ms: float, rounds: int, output: Path | None, dry_run: bool) -> None:
    """Time OWASP's argon2id sets here and keep the quickest within --max-ms.

    Existing hashes are redone with the new parameters at each account's next login."""
    chosen, timings = passwords.calibrate(max_ms / 1000, rounds)
    for params, seconds in timings.items():
        mark = " <- chosen" if params == chosen else ""
        click.echo(f"argon2id {params}: {seconds * 1000:.1f} ms{mark}")
    if chosen is None:
        raise click.ClickException(
            f"no OWASP argon2id set verifies within {max_ms:g} ms on this host; "
            "keep the current parameters or raise --max-ms"
        )
    current = passwords.configured_params(current_app.config)
    click.echo(f"current: {current}; chosen: {chosen}")
    if os.environ.get(passwords.CONFIG_KEY):
        click.echo(f"PASSWORD_HASH_PARAMS is set in the environment and wins: set it to {chosen}")
    if dry_run:
        return
    target = output or Path(current_app.instance_path) / HASH_PARAMS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"{chosen}\n")
    click.echo(f"written to {target} (read at start-up; restart the app to use it)")
