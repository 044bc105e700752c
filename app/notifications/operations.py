"""Writing notifications into the outbox, in the caller's transaction (never talks to a broker)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from app.notifications.models import Notification


def channels_for(user: User) -> list[str]:
    """In-app always; e-mail and WhatsApp as the user chose (staff always get in-app)."""
    channels = ["inapp"]
    if user.notify_email and user.email:
        channels.append("email")
    if user.notify_whatsapp and user.phone:
        channels.append("whatsapp")
    return channels


def _address(user: User, channel: str) -> str | None:
    return {"email": user.email, "whatsapp": user.phone}.get(channel)


def notify(
    event_key: str,
    template: str,
    recipients: Iterable[User],
    *,
    context: dict[str, Any] | None = None,
    application_id: int | None = None,
) -> list[Notification]:
    """Add one outbox row per recipient and channel; duplicates of the same event are skipped."""
    rows = []
    for user in {u.id: u for u in recipients}.values():
        for channel in channels_for(user):
            if _exists(event_key, channel, user.id):
                continue
            row = Notification(
                event_key=event_key,
                channel=channel,
                recipient_user_id=user.id,
                recipient_address=_address(user, channel),
                template=template,
                context=context or {},
                language=user.language,
                application_id=application_id,
                status="sent" if channel == "inapp" else "pending",
            )
            db.session.add(row)
            rows.append(row)
    db.session.flush()
    return rows


def _exists(event_key: str, channel: str, user_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(Notification.id).where(
                Notification.event_key == event_key,
                Notification.channel == channel,
                Notification.recipient_user_id == user_id,
            )
        )
        is not None
    )


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.recipient_user_id == user.id,
            Notification.channel == "inapp",
            Notification.read_dt.is_(None),
        )
    ) or 0
