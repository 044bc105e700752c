"""Applicant portal: program pages, profiles, eligibility pre-check, forms, uploads, status, LPJ.

Views are thin: parse → permission → operations → one commit → render or redirect. The routes
live in this module and in ``apply_views``, ``profile_views`` and ``operator_views``; each adds
its routes to the blueprints of ``blueprint.py``, and the package ``__init__`` imports them.
"""
from __future__ import annotations

from flask import abort, render_template, request
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


#: the to-do list shows this many; the rest is counted, with the way to the full list
TODO_SHOWN = 20


@bp.route("")
@login_required
def dashboard():
    page = queries.my_applications(current_user, request.args.get("halaman", type=int))
    actions, waiting = queries.awaiting_me(current_user, TODO_SHOWN)
    return render_template(
        "portal/dashboard.html", page=page,
        rows=[(a, workflow.definition_of(a)) for a in page.items],
        actions=actions, more_actions=max(0, waiting - len(actions)),
        organizations=queries.my_organizations(current_user),
        person=db.session.get(Person, current_user.person_id) if current_user.person_id else None,
        reports=queries.due_reports(current_user), unread=unread_count(current_user),
        is_operator=can_nominate(current_user), tone=queries.stage_tone,
    )
