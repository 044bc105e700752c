"""``flask documents …``: move document bytes between stores (app/applications/storage.py)."""

from __future__ import annotations

import hashlib

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.applications.models import Document
from app.applications.storage import BACKENDS, DocumentStore, MissingContent, backend
from app.extensions import db

documents_cli = click.Group("documents", help="Uploaded documents.")


def copy_document(document: Document, source: DocumentStore, target: DocumentStore) -> str:
    """Copy one document's bytes, checked against the SHA-256 recorded at upload on the way
    out of the source and again as read back from the target. Returns the outcome."""
    if target.exists(document.storage_key):
        return "present"
    try:
        content = source.get(document.storage_key)
    except MissingContent:
        return "missing"
    if hashlib.sha256(content).hexdigest() != document.sha256:
        return "corrupt"
    target.put(document.storage_key, content)
    if hashlib.sha256(target.get(document.storage_key)).hexdigest() != document.sha256:
        raise click.ClickException(f"document {document.id}: the copy reads back differently")
    return "copied"


@documents_cli.command("migrate")
@click.option("--to", "to", type=click.Choice(BACKENDS), required=True,
              help="the store to fill; the other one is read")
@with_appcontext
def migrate(to: str) -> None:
    """Copy every document's bytes into the store named by --to, verifying SHA-256 of each.

    Idempotent: documents already there are skipped, so it can run again after a failure.
    The source is left as it was (remove it yourself once DOCUMENT_STORAGE points at --to).
    """
    source, target = backend("folder" if to == "db" else "db"), backend(to)
    counts = {"copied": 0, "present": 0, "missing": 0, "corrupt": 0}
    ids = db.session.scalars(sa.select(Document.id).order_by(Document.id)).all()
    for document_id in ids:
        document = db.session.get(Document, document_id)
        outcome = copy_document(document, source, target)
        counts[outcome] += 1
        if outcome in {"missing", "corrupt"}:
            click.echo(f"document {document.id} ({document.storage_key}): {outcome}", err=True)
        db.session.commit()  # one document per transaction: a failure keeps what was copied
        db.session.expunge_all()
    click.echo(" ".join(f"{name}={count}" for name, count in counts.items()))
    if counts["missing"] or counts["corrupt"]:
        raise click.ClickException("some documents could not be copied (listed above)")


@documents_cli.command("rescan")
@click.option("--limit", type=int, default=500, show_default=True)
@with_appcontext
def rescan(limit: int) -> None:
    """Virus-scan the documents uploaded while clamd was out of reach (CLAMD_SOCKET); beat
    runs the same sweep (documents.rescan_pending). Infected ones are quarantined."""
    from flask import current_app

    from app.applications.documents import rescan_pending

    if not current_app.config.get("CLAMD_SOCKET"):
        raise click.ClickException("CLAMD_SOCKET is not set: there is no scanner to ask")
    counts = rescan_pending(limit)
    click.echo(" ".join(f"{name}={count}" for name, count in counts.items()))
