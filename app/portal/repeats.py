"""Repeated requests (a double tap, a resent form after a slow network): the second copy of a
POST whose first copy already went through lands on the page the first one led to, with a note,
instead of "page not found" or a refusal.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.applications.models import Application
from app.applications.permissions import can_edit_application, is_applicant_of
from app.applications.queries import repeated_decision
from app.common import pii
from app.db import utcnow
from app.extensions import db
from app.organizations.models import Person

#: how long after a nomination a resent identical one counts as the same request
NOMINATION_REPEAT_WINDOW = timedelta(minutes=30)


def _to_status(application: Application, message: str) -> Response:
    flash(message, "info")
    return redirect(url_for("portal.application", application_id=application.id), code=303)


def after_submission(user: User, application: Application) -> Response | None:
    """The applicant's own file is no longer open for editing: a submit (or resubmit, or a
    form or upload step) was sent again after the first copy moved it on."""
    if not is_applicant_of(user, application) or can_edit_application(user, application):
        return None
    return _to_status(application, _("Permohonan ini sudah terkirim. Berikut tahapnya sekarang."))


def after_action(user: User, application: Application, seen_version: int | None) -> Response | None:
    """A status-page action sent from a page older than the application's last move, which
    was made by this same user: the first tap went through."""
    if repeated_decision(user.id, application, seen_version) is None:
        return None
    return _to_status(application, _("Sudah terkirim sebelumnya. Berikut tahapnya sekarang."))


def earlier_nomination(operator: User, nik: str) -> Application | None:
    """The draft this operator just made for the same NIK (the first copy of a repeat)."""
    person_id = db.session.scalar(
        sa.select(Person.id).where(Person.nik_bidx == pii.blind_index(nik, purpose="nik"))
    )
    if person_id is None:
        return None
    return db.session.scalar(
        sa.select(Application)
        .where(
            Application.person_id == person_id,
            Application.nominated_by_user_id == operator.id,
            Application.submitted_dt.is_(None),
            Application.outcome.is_(None),
            Application.created_dt >= utcnow() - NOMINATION_REPEAT_WINDOW,
        )
        .order_by(Application.id.desc())
        .limit(1)
    )
