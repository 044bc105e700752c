from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.applications.models import Application
from app.applications.permissions import can_view_application
from app.common.web import get_or_404, require
from app.extensions import db
from app.programs.registry import registry

bp = Blueprint("applications", __name__, url_prefix="/permohonan")


@bp.route("/<int:application_id>")
@login_required
def detail(application_id: int):
    application = get_or_404(db.session.get(Application, application_id))
    require(can_view_application(current_user, application))
    definition = registry().pinned(application.program_key, application.definition_version)
    return render_template(
        "applications/detail.html", application=application, definition=definition
    )
