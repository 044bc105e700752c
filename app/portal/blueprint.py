"""The portal's blueprints and the request helpers its route modules share."""

from __future__ import annotations

from flask import Blueprint, g
from flask_login import current_user

from app.applications.models import Application
from app.applications.permissions import can_follow_application
from app.applications.queries import application_by_id
from app.common.web import get_or_404, require
from app.regions.operations import kecamatan_choices, village_choices
from forms.choices import SelectChoice, grouped

bp = Blueprint("portal", __name__, url_prefix="/portal")
programs_bp = Blueprint("programs", __name__, url_prefix="/program")


def lang() -> str:
    return "en" if g.get("lang") == "en" else "id"


def desa_choices(placeholder: str) -> list[SelectChoice]:
    """Desa/kelurahan grouped by kecamatan, for a plain ``<select>`` with ``<optgroup>``."""
    kecamatan = dict(kecamatan_choices())
    groups: dict = {None: [("", placeholder)]}
    for code, name in village_choices():
        groups.setdefault(kecamatan.get(code[:8], code[:8]), []).append((code, name))
    return grouped({None: groups.pop(None), **dict(sorted(groups.items()))})


def application_or_404(application_id: int) -> Application:
    application = get_or_404(application_by_id(application_id))
    require(can_follow_application(current_user, application))
    return application
