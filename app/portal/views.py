"""Applicant portal: program pages, profiles, eligibility pre-check, forms, uploads, status, LPJ.

Views are thin: parse → permission → operations → one commit → render or redirect. The routes
live in this module and in ``apply_views``, ``profile_views`` and ``operator_views``; each adds
its routes to the blueprints of ``blueprint.py``, and the package ``__init__`` imports them.
"""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from app.applications import workflow
from app.applications.facts import today
from app.applications.permissions import can_nominate
from app.extensions import db
from app.notifications.operations import unread_count
from app.organizations.models import Person
from app.portal import queries
from app.portal.blueprint import bp, programs_bp
from app.programs.registry import registry

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
