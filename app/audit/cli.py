"""``flask audit ...``: verify the chain, sign checkpoints, make keys, export for auditors."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.audit import keys, outside
from app.audit.exports import write_csv, write_xlsx
from app.audit.models import AuditCheckpoint
from app.audit.operations import make_checkpoint
from app.audit.queries import AuditFilter
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


def _moment(value: str | None) -> datetime | None:
    """An ISO date or datetime; naive values are UTC."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@audit_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="file to write (CSV goes to standard output without it)")
@click.option("--program", help="program key")
@click.option("--agency", help="agency code")
@click.option("--actor", type=int, help="actor user id")
@click.option("--action", help="action, or a prefix ending in '.' or '*'")
@click.option("--since", help="from this UTC date/time (inclusive, ISO 8601)")
@click.option("--until", help="up to this UTC date/time (exclusive, ISO 8601)")
@click.option("--object-type", help="e.g. application, person, user")
@click.option("--object-id", help="the object's id")
@with_appcontext
def export(fmt: str, output: Path | None, program: str | None, agency: str | None,
           actor: int | None, action: str | None, since: str | None, until: str | None,
           object_type: str | None, object_id: str | None) -> None:
    """Export matching audit events as CSV or XLSX (streamed)."""
    filters = AuditFilter(
        program_key=program, agency_code=agency, actor_user_id=actor, action=action,
        since=_moment(since), until=_moment(until), object_type=object_type, object_id=object_id,
    )
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--output is required for XLSX")
        count = write_xlsx(filters, str(output))
        click.echo(f"{count} events written to {output}", err=True)
    elif output is None:
        write_csv(filters, sys.stdout)
    else:
        with output.open("w", newline="", encoding="utf-8") as handle:
            write_csv(filters, handle)


@audit_cli.command("decision-file")
@click.argument("number")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def decision_file(number: str, output: Path) -> None:
    """Print the decision file (PDF) of the application with this number."""
    from app.applications.models import Application
    from app.audit.decision_file import decision_file_pdf
    from app.audit.operations import record_personal_data_read

    application = db.session.scalar(sa.select(Application).where(Application.number == number))
    if application is None:
        raise click.ClickException(f"no application {number}")
    output.write_bytes(decision_file_pdf(application))
    record_personal_data_read(None, application, "decision_file", actor_role="system")
    db.session.commit()
    click.echo(f"decision file written to {output}")


@audit_cli.command("subject-access")
@click.argument("person_id", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reason", help="the request this answers (recorded in the trail)")
@with_appcontext
def subject_access(person_id: int, output: Path | None, reason: str | None) -> None:
    """Export everything held about one person as JSON (UU PDP right of access)."""
    from app.audit.subject_access import subject_access_export
    from app.organizations.models import Person

    person = db.session.get(Person, person_id)
    if person is None:
        raise click.ClickException(f"no person {person_id}")
    text = json.dumps(subject_access_export(person, reason=reason), ensure_ascii=False, indent=2)
    db.session.commit()
    if output is None:
        click.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
