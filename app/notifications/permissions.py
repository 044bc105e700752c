"""Who may see and act on notifications. Used by the web views (and any API) alike."""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.roles import ADMIN
from app.notifications.models import Notification


def can_manage_notifications(user: User) -> bool:
    """The dead-letter list and its retries: administrators only."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(ADMIN)


def can_read_notification(user: User, notification: Notification) -> bool:
    """An in-app message belongs to its recipient alone."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and notification.channel == "inapp"
        and notification.recipient_user_id == user.id
    )
