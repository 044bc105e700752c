"""``flask audit ...``: verify the chain, sign checkpoints, make keys.

The auditor's reading commands (export, decision-file, subject-access) live in
``app.auditor.cli`` and are added to this group by ``app.cli``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.audit import keys, outside
from app.audit.models import AuditCheckpoint
from app.audit.operations import make_checkpoint
from app.audit.verify import verify_chain
from app.extensions import db

audit_cli = click.Group("audit", help="Tamper-evident audit trail: verify, checkpoint, export.")


@audit_cli.command("verify")
@click.option("--batch", default=5000, show_default=True, help="rows fetched per round trip")
@click.option("--checkpoint", "checkpoint_paths", multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="a file (or directory of *.txt files) of signed checkpoints kept outside "
                   "the database; repeatable")
@with_appcontext
def verify(batch: int, checkpoint_paths: tuple[Path, ...]) -> None:
    """Check the whole chain, decisions and checkpoints; exit 1 naming the first broken seq."""
    try:
        kept_outside = outside.read_paths(checkpoint_paths)
    except outside.OutsideCheckpointError as exc:
        raise click.BadParameter(str(exc), param_hint="--checkpoint") from exc
    if checkpoint_paths and not kept_outside:
        raise click.BadParameter("no checkpoint line found", param_hint="--checkpoint")
    result = verify_chain(db.session, batch=batch, outside=kept_outside)
    if result.ok:
        click.echo(result.describe())
        return
    click.echo(result.describe(), err=True)
    sys.exit(1)


@audit_cli.command("checkpoint")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="also append the checkpoint line to this file (a copy kept outside)")
@with_appcontext
def checkpoint(output: Path | None) -> None:
    """Sign the current chain head with AUDIT_SIGNING_KEY and store the checkpoint."""
    made = make_checkpoint()
    db.session.commit()
    if made is None:
        click.echo("The audit chain is empty: nothing to sign.")
        return
    if output is not None:
        outside.append_line(output, made)
    click.echo(outside.line_of(made))


@audit_cli.command("checkpoint-export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="file to write (standard output without it)")
@with_appcontext
def checkpoint_export(output: Path | None) -> None:
    """Write every stored checkpoint, one line each, for a copy kept outside the database."""
    rows = db.session.scalars(sa.select(AuditCheckpoint).order_by(AuditCheckpoint.seq))
    text = "".join(outside.line_of(row) + "\n" for row in rows)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@audit_cli.command("keygen")
def keygen() -> None:
    """Print a new Ed25519 key pair for production (keep the private key out of the repository)."""
    private, public = keys.generate_keypair()
    key_id = keys.key_id(keys.parse_public_keys(public).popitem()[1])
    click.echo(f"AUDIT_SIGNING_KEY={private}")
    click.echo(f"AUDIT_PUBLIC_KEY={public}")
    click.echo(f"# key id {key_id}: set the signing key only where checkpoints are made;")
    click.echo("# pin the public key wherever the chain is verified.")
