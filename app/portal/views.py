"""Applicant portal: program pages, profiles, eligibility pre-check, forms, uploads, status, LPJ.

Views are thin: parse → permission → operations → one commit → render or redirect. The routes
live in this module and in ``apply_views``, ``profile_views`` and ``operator_views``, which add
theirs to the blueprints defined here.
"""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from flask_login import current_user, login_required

from app.applications import workflow
from app.applications.facts import today
from app.applications.models import Application
from app.applications.permissions import can_follow_application, can_nominate
from app.common.web import get_or_404, require
from app.extensions import db
from app.notifications.operations import unread_count
from app.organizations.models import Person
from app.portal import queries
from app.programs.registry import registry
from app.regions.operations import kecamatan_choices, village_choices

bp = Blueprint("portal", __name__, url_prefix="/portal")
programs_bp = Blueprint("programs", __name__, url_prefix="/program")


def lang() -> str:
    return "en" if g.get("lang") == "en" else "id"


def desa_choices(placeholder: str) -> dict:
    """Desa/kelurahan grouped by kecamatan, for a plain ``<select>`` with ``<optgroup>``."""
    kecamatan = dict(kecamatan_choices())
    groups: dict = {None: [("", placeholder)]}
    for code, name in village_choices():
        groups.setdefault(kecamatan.get(code[:8], code[:8]), []).append((code, name))
    return {None: groups.pop(None), **dict(sorted(groups.items()))}


def application_or_404(application_id: int) -> Application:
    application = get_or_404(db.session.get(Application, application_id))
    require(can_follow_application(current_user, application))
    return application


# ---------------------------------------------------------------- program pages


@programs_bp.route("")
def index():
    definitions = registry().current_definitions()
    periods = {d.key: queries.period_of(d) for d in definitions}
    return render_template("programs/index.html", definitions=definitions, periods=periods,
                           today=today())


@programs_bp.route("/<key>")
def detail(key: str):
    defn = registry().current(key)
    if defn is None:
        abort(404)
    return render_template("programs/detail.html", defn=defn, period=queries.period_of(defn),
                           documents=queries.proposal_documents(defn),
                           today=today())


# ---------------------------------------------------------------- dashboard and status


@bp.route("")
@login_required
def dashboard():
    applications = queries.my_applications(current_user)
    rows = [(a, workflow.definition_of(a)) for a in applications]
    actions = [(a, d, queries.needs_action(current_user, a)) for a, d in rows]
    return render_template(
        "portal/dashboard.html", rows=rows, actions=[x for x in actions if x[2]],
        organizations=queries.my_organizations(current_user),
        person=db.session.get(Person, current_user.person_id) if current_user.person_id else None,
        reports=queries.due_reports(applications), unread=unread_count(current_user),
        is_operator=can_nominate(current_user), tone=queries.stage_tone,
    )


@bp.route("/permohonan/<int:application_id>")
@login_required
def application(application_id: int):
    from app.portal.apply_views import status_context

    app_row = application_or_404(application_id)
    return render_template("portal/application.html", **status_context(app_row))


from app.portal import apply_views, operator_views, profile_views  # noqa: E402,F401
