"""``flask audit ...``: verify the chain, sign checkpoints, make keys.

The auditor's reading commands (export, decision-file, subject-access) live in
``app.auditor.cli`` and are added to this group by ``app.cli``.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from app.audit import keys
from app.audit.operations import make_checkpoint
from app.audit.verify import verify_chain
from app.extensions import db

audit_cli = click.Group("audit", help="Tamper-evident audit trail: verify, checkpoint, export.")


@audit_cli.command("verify")
@click.option("--batch", default=5000, show_default=True, help="rows fetched per round trip")
@with_appcontext
def verify(batch: int) -> None:
    """Check the whole chain, decisions and checkpoints; exit 1 naming the first broken seq."""
    result = verify_chain(db.session, batch=batch)
    if result.ok:
        click.echo(result.describe())
        return
    click.echo(result.describe(), err=True)
    sys.exit(1)


@audit_cli.command("checkpoint")
@with_appcontext
def checkpoint() -> None:
    """Sign the current chain head with AUDIT_SIGNING_KEY and store the checkpoint."""
    made = make_checkpoint()
    db.session.commit()
    if made is None:
        click.echo("The audit chain is empty: nothing to sign.")
        return
    click.echo(
        f"checkpoint seq={made.seq} head_hash={made.head_hash} key_id={made.key_id} "
        f"signature={made.signature}"
    )


@audit_cli.command("keygen")
def keygen() -> None:
    """Print a new Ed25519 key pair for production (keep the private key out of the repository)."""
    private, public = keys.generate_keypair()
    key_id = keys.key_id(keys.parse_public_keys(public).popitem()[1])
    click.echo(f"AUDIT_SIGNING_KEY={private}")
    click.echo(f"AUDIT_PUBLIC_KEY={public}")
    click.echo(f"# key id {key_id}: set the signing key only where checkpoints are made;")
    click.echo("# pin the public key wherever the chain is verified.")
