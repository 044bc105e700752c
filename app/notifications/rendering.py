"""Rendering a notification when it is sent (or shown in the inbox), in the recipient's language.

Templates live in ``templates/emails/<template>.txt`` (blocks ``subject``, ``summary``,
``content``) and ``<template>.html``. Their text is Indonesian with the English beside it,
chosen by ``t(id, en)``; a missing English text falls back to the Indonesian one, and a file
``<template>.en.txt``/``.en.html`` (or ``.id``) replaces the shared one for that language.

Only ids and short values are stored in the outbox row; objects are loaded here, and secrets
such as the password-reset link are made now and never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup
from werkzeug.routing import BuildError

from app.accounts.models import User
from app.accounts.operations import make_reset_token
from app.applications.models import Application, Disbursement, Report, StageTask
from app.extensions import db
from app.notifications.models import Notification
from app.programs.registry import registry

#: context keys holding ids, loaded into the object named without ``_id``
LOADERS: dict[str, type] = {
    "disbursement_id": Disbursement,
    "report_id": Report,
    "task_id": StageTask,
}
DATE_KEYS = ("deadline", "due_date", "day")


@dataclass(frozen=True)
class Rendered:
    subject: str
    summary: str
    text: str
    html: str
    link: str | None


def bound_gettext() -> Callable[..., str]:
    """The templates' ``_()``/``gettext()`` with the current locale's translations looked up
    once: Flask-Babel's looks them up again on every call (a dozen per e-mail). Behaves as
    Jinja's "newstyle" gettext that Flask-Babel installs: autoescaped, always %-formatted."""
    translations = get_translations()

    @pass_context
    def gettext(context: Any, string: str, **variables: Any) -> str:
        text = context.call(translations.gettext, string)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 (translations are ours, as in Jinja's own gettext)
        return text % variables

    return gettext


def translator(lang: str) -> Callable[..., str]:
    def t(indonesian: str, english: str | None = None) -> str:
        return english if lang == "en" and english else indonesian

    return t


def link_context() -> AbstractContextManager[Any]:
    """A request context for absolute links (workers have none); a delivery batch opens one for
    all its rows instead of one per row. Nothing when a request context is already active."""
    if has_request_context():
        return nullcontext()
    base_url = current_app.config.get("SERVER_NAME_FOR_LINKS", "http://localhost")
    return current_app.test_request_context(base_url=base_url)


@contextmanager
def _environment(lang: str) -> Iterator[None]:
    """A request context for absolute links, in the recipient's locale."""
    with link_context(), force_locale(lang):
        yield


def preload(notifications: Iterable[Notification]) -> list[Any]:
    """Load the recipients and applications of many rows in one query each (a delivery batch),
    so that rendering finds them in the session instead of querying once per row. Keep the
    returned list while rendering: the session's identity map holds objects only weakly."""
    notifications = list(notifications)
    loaded: list[Any] = []
    for model, ids in (
        (User, {n.recipient_user_id for n in notifications}),
        (Application, {n.application_id for n in notifications if n.application_id}),
    ):
        if ids:
            loaded += db.session.scalars(sa.select(model).where(model.id.in_(sorted(ids))))
    return loaded


def link(endpoint: str, **values: Any) -> str | None:
    try:
        return url_for(endpoint, _external=True, **values)
    except BuildError:
        return None


def localized(text: Any, lang: str) -> str:
    if hasattr(text, "id") and hasattr(text, "en"):
        return text.en if lang == "en" and text.en else text.id
    return str(text)


def _definition(application: Application) -> Any:
    try:
        return registry().pinned(application.program_key, application.definition_version)
    except LookupError:
        return None


def stage_name(application: Application | None, stage: Any, lang: str) -> str:
    """A stage's display name from a stored {id, en} text, or from the pinned definition."""
    if isinstance(stage, dict):
        return stage.get(lang) or stage.get("id") or ""
    definition = _definition(application) if application else None
    if definition is not None and definition.has_stage(stage):
        return localized(definition.stage(stage).name, lang)
    return str(stage)


def _application_context(application_id: int, lang: str) -> dict[str, Any]:
    application = db.session.get(Application, application_id)
    if application is None:
        return {}
    definition = _definition(application)
    return {
        "application": application,
        "program_name": localized(definition.name, lang) if definition else application.program_key,
        "link": link("applications.detail", application_id=application.id),
    }


def _stage_context(context: dict[str, Any], lang: str) -> dict[str, Any]:
    """``stage_label``: the named stage (a task's, or the one stored); ``report_label``: a
    report's stage (``report.kind``), both as the pinned definition names them."""
    found: dict[str, Any] = {}
    stage = context["task"].stage if context.get("task") else context.get("stage")
    if stage is not None:
        found["stage_label"] = stage_name(context.get("application"), stage, lang)
    if context.get("report") is not None:
        found["report_label"] = stage_name(context.get("application"), context["report"].kind,
                                           lang)
    return found


def _password_reset_context(notification: Notification) -> dict[str, Any]:
    """The reset link exists only in the e-mail, made at send time from the current password."""
    user = db.session.get(User, notification.context.get("user_id"))
    if user is None or notification.channel != "email":
        return {}
    return {"reset_url": link("accounts.reset_password", token=make_reset_token(user))}


#: the pages a digest may link to (its stored ``worklist``; older digests have none)
WORKLISTS = ("staff.queue", "staff.school")


def _queue_link(notification: Notification) -> dict[str, Any]:
    worklist = (notification.context or {}).get("worklist")
    endpoint = worklist if worklist in WORKLISTS else "staff.queue"
    return {"link": link(endpoint) or link("notifications.inbox")}


SPECIAL: dict[str, Callable[[Notification], dict[str, Any]]] = {
    "password_reset": _password_reset_context,
    "daily_digest": _queue_link,
}


def _stored_values(notification: Notification) -> dict[str, Any]:
    values: dict[str, Any] = dict(notification.context or {})
    for key in DATE_KEYS:
        if isinstance(values.get(key), str):
            values[key] = date.fromisoformat(values[key])
    for key, model in LOADERS.items():
        if key in values:
            values[key.removesuffix("_id")] = db.session.get(model, values[key])
    return values


def template_context(notification: Notification, lang: str) -> dict[str, Any]:
    context: dict[str, Any] = {
        "lang": lang,
        "t": translator(lang),
        "gettext": bound_gettext(),  # what the templates' _() calls
        "notification": notification,
        "recipient": db.session.get(User, notification.recipient_user_id),
        "link": link("notifications.inbox"),
    }
    if notification.application_id:
        context.update(_application_context(notification.application_id, lang))
    context.update(_stored_values(notification))
    context.update(_stage_context(context, lang))
    special = SPECIAL.get(notification.template)
    if special:
        context.update(special(notification))
    return context


def _names(template: str, lang: str, ext: str) -> list[str]:
    return [f"emails/{template}.{lang}.{ext}", f"emails/{template}.{ext}"]


#: ``app.extensions`` key: which file serves each (template, language, extension)
TEMPLATE_CHOICES = "sibantu.notifications.template_choices"


def _template_name(template: str, lang: str, ext: str) -> str | list[str]:
    """The file that serves this template in this language: the ``.<lang>`` override or the
    shared file. Jinja caches templates but not the override it failed to find, so every render
    searched every template folder again; the choice is remembered here (not when templates
    are reloaded on change, as in debug mode, where an override may appear at any time)."""
    names = _names(template, lang, ext)
    jinja = current_app.jinja_env
    if jinja.auto_reload:
        return names
    choices = current_app.extensions.setdefault(TEMPLATE_CHOICES, {})
    key = (template, lang, ext)
    name = choices.get(key)
    if name is None:
        name = choices[key] = jinja.select_template(names).name
    return name


def _text_parts(template: str, lang: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, summary and full text, all from the plain-text template."""
    jinja = current_app.jinja_env.get_or_select_template(_template_name(template, lang, "txt"))
    values = dict(context)
    current_app.update_template_context(values)
    blocks = jinja.new_context(values)
    subject = " ".join("".join(jinja.blocks["subject"](blocks)).split())
    summary = "".join(jinja.blocks["summary"](blocks)).strip()
    return subject, summary, jinja.render(values)


def render(notification: Notification, *, html: bool = True, lang: str | None = None) -> Rendered:
    """Subject, summary, text (and HTML) of one notification, in its language unless given."""
    lang = lang or notification.language or "id"
    with _environment(lang):
        context = template_context(notification, lang)
        subject, summary, text = _text_parts(notification.template, lang, context)
        body = ""
        if html:
            body = render_template(_template_name(notification.template, lang, "html"),
                                   **context, subject=subject, summary=summary)
    return Rendered(subject, summary, text, body, context.get("link"))


def headline(notification: Notification, lang: str) -> tuple[str, str, str | None]:
    """Subject, summary and link for the inbox (no HTML rendered, no secrets made)."""
    rendered = render(notification, html=False, lang=lang)
    return rendered.subject, rendered.summary, rendered.link
