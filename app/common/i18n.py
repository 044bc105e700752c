"""Locale and timezone selection, and Indonesian formatting of money and dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, session
from flask.globals import _cv_app
from flask_babel import get_translations
from flask_login import current_user

JAKARTA = ZoneInfo("Asia/Jakarta")


def jakarta_today() -> date:
    """Today in Kabupaten Tangerang: the day every date rule uses (deadlines, awards, reports,
    future dates), whatever the server's own timezone. From 00:00 to 07:00 WIB the UTC date
    is still yesterday."""
    return datetime.now(JAKARTA).date()


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


def _translations() -> NullTranslations:
    """Flask-Babel's ``get_translations`` kept for the rest of the context while the locale
    object stays the same one (``force_locale`` and ``refresh`` replace it, so they are seen).

    Flask-Babel looks the context, domain, locale and catalogue up again for every ``_()`` in a
    template, which was half the CPU of a page; a page calls it dozens of times."""
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        return get_translations()
    store = app_ctx.g
    cached = store.__dict__.get("_sibantu_translations")
    if cached is not None and cached[0] is _babel_locale(store):
        return cached[1]
    translations = get_translations()
    store._sibantu_translations = (_babel_locale(store), translations)
    return translations


def _babel_locale(store) -> object:
    """The locale Flask-Babel settled on for this context (None until it has)."""
    return getattr(store.__dict__.get("_flask_babel"), "babel_locale", None)


def install_template_gettext(app: Flask) -> None:
    """Templates' ``_``/``ngettext`` through ``_translations`` (same catalogue, same result)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )


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


def localized(value: Any) -> str:
    """A definition text (``Text`` or ``{id, en}``) in the page's language."""
    lang = g.get("lang", "id")
    if hasattr(value, "id") and hasattr(value, "en"):
        return value.en if lang == "en" and value.en else value.id
    if isinstance(value, dict):
        return value.get(lang) or value.get("id") or ""
    return "" if value is None else str(value)
