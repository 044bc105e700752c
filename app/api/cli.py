"""``flask api``: issue, list and revoke API tokens."""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.accounts.models import User
from app.accounts.operations import find_user_by_email
from app.api.models import ApiToken
from app.api.tokens import MAX_DAYS, TokenError, issue_token, revoke_token
from app.extensions import db

api_cli = click.Group("api", help="JSON API tokens: create, list, revoke.")


@api_cli.command("create-token")
@click.option("--email", required=True, help="the token's user (must hold the role)")
@click.option("--role", required=True, help="role the token acts in, e.g. reviewer")
@click.option("--agency", default=None, help="agency code for staff roles, e.g. KEMENAG")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, MAX_DAYS))
@click.option("--name", default="token", show_default=True, help="what the token is for")
@click.option("--service", is_flag=True, help="a service (system-to-system) token")
@with_appcontext
def create_token(email: str, role: str, agency: str | None, days: int, name: str,
                 service: bool) -> None:
    """Issue a token and print it ONCE (only its SHA-256 is stored)."""
    user = find_user_by_email(email)
    if user is None:
        _fail(f"Pengguna {email} tidak ditemukan.")
    try:
        token, raw = issue_token(user, role, agency_code=agency.upper() if agency else None,
                                 days=days, name=name, kind="service" if service else "personal")
    except TokenError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Token #{token.id} ({token.role}{'@' + agency.upper() if agency else ''}), "
               f"berlaku sampai {token.expires_dt:%Y-%m-%d %H:%M} UTC. Simpan sekarang; "
               "token tidak dapat ditampilkan lagi:", err=True)
    click.echo(raw)


@api_cli.command("list-tokens")
@click.option("--email", default=None)
@with_appcontext
def list_tokens(email: str | None) -> None:
    """Tokens with prefix, role, expiry, revocation and last use (never the value)."""
    query = sa.select(ApiToken, User.email).join(User, User.id == ApiToken.user_id)
    if email:
        query = query.where(User.email == email.lower())
    for token, owner in db.session.execute(query.order_by(ApiToken.id)):
        state = "dicabut" if token.revoked_dt else f"s/d {token.expires_dt:%Y-%m-%d}"
        click.echo(f"#{token.id} sbt_{token.prefix}_… {owner} {token.role} {state} "
                   f"terakhir dipakai {token.last_used_dt or '-'}")


@api_cli.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
def revoke(token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        _fail(f"Token #{token_id} tidak ditemukan.")
    revoke_token(token)
    db.session.commit()
    click.echo(f"Token #{token_id} dicabut.")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)
