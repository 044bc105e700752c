"""``flask notifications …``: look at the outbox and run the relay or the sweeps by hand."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.extensions import db
from app.notifications import reminders
from app.notifications.embedded import drain
from app.notifications.models import Notification

notifications_cli = click.Group("notifications", help="The notification outbox.")


@notifications_cli.command("status")
@with_appcontext
def status() -> None:
    """Rows per channel and status (dead rows also appear on /admin/notifikasi/gagal)."""
    query = (
        sa.select(Notification.channel, Notification.status, sa.func.count())
        .group_by(Notification.channel, Notification.status)
        .order_by(Notification.channel, Notification.status)
    )
    for channel, state, count in db.session.execute(query):
        click.echo(f"{channel:9} {state:8} {count}")


@notifications_cli.command("deliver")
@with_appcontext
def deliver() -> None:
    """Deliver every due row in this process (no broker needed)."""
    drain()
    click.echo("done")


@notifications_cli.command("sweep")
@with_appcontext
def sweep() -> None:
    """Run the reminder sweeps and the daily digest once."""
    for name, count in reminders.sweep().items():
        click.echo(f"{name:15} {count}")
    click.echo(f"{'daily_digest':15} {reminders.send_daily_digests()}")
