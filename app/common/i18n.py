"""Locale and timezone selection, and Indonesian formatting of money and dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import current_app, has_request_context, session
from flask_login import current_user

JAKARTA = ZoneInfo("Asia/Jakarta")


def select_locale() -> str:
    if not has_request_context():
        return "id"  # CLI and worker: a lazy message read there is Indonesian, not an error
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    return "id"  # Indonesian first, whatever the browser asks for


def select_timezone() -> str:
    return "Asia/Jakarta"


def rupiah(amount: int | None) -> str:
    """``1500000`` → ``Rp1.500.000`` (integers only: money is never a float)."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(int(amount)):,}".replace(",", ".")


def date_id(value: date | datetime | None, *, with_time: bool = False, locale: str = "id") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        local = value.astimezone(JAKARTA)
        if with_time:
            return format_datetime(local, "d MMM y, HH.mm", locale=locale) + " WIB"
        return format_date(local.date(), "d MMMM y", locale=locale)
    return format_date(value, "d MMMM y", locale=locale)
