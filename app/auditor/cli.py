"""The auditor's reading commands, added to ``flask audit`` by ``app.cli``: export,
decision-file, subject-access."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.applications.models import Application
from app.audit.operations import record_personal_data_read
from app.auditor.decision_file import decision_file_pdf
from app.auditor.exports import write_csv, write_xlsx
from app.auditor.queries import AuditFilter
from app.auditor.subject_access import subject_access_export
from app.extensions import db
from app.organizations.models import Person


def _moment(value: str | None) -> datetime | None:
    """An ISO date or datetime; naive values are UTC."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.command("export")
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


@click.command("decision-file")
@click.argument("number")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def decision_file(number: str, output: Path) -> None:
    """Print the decision file (PDF) of the application with this number."""
    application = db.session.scalar(sa.select(Application).where(Application.number == number))
    if application is None:
        raise click.ClickException(f"no application {number}")
    output.write_bytes(decision_file_pdf(application))
    record_personal_data_read(None, application, "decision_file", actor_role="system")
    db.session.commit()
    click.echo(f"decision file written to {output}")


@click.command("subject-access")
@click.argument("person_id", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reason", help="the request this answers (recorded in the trail)")
@with_appcontext
def subject_access(person_id: int, output: Path | None, reason: str | None) -> None:
    """Export everything held about one person as JSON (UU PDP right of access)."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise click.ClickException(f"no person {person_id}")
    text = json.dumps(subject_access_export(person, reason=reason), ensure_ascii=False, indent=2)
    db.session.commit()
    if output is None:
        click.echo(text)
    else:
        output.write_text(text, encoding="utf-8")


#: added to the ``flask audit`` group
COMMANDS = (export, decision_file, subject_access)
