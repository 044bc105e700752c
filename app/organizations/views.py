from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.common.web import get_or_404, require
from app.extensions import db
from app.organizations.models import Organization
from app.organizations.permissions import can_view_organization
from forms.declared import page_lang
from workflows.parse_kind import known_kinds

bp = Blueprint("organizations", __name__, url_prefix="/organisasi")


@bp.app_template_filter("kind_label")
def kind_label(key: str) -> str:
    """An applicant kind's declared name in the page's language (the key if none is declared)."""
    kind = known_kinds().get(key)
    return getattr(kind.name, page_lang()) if kind else key


@bp.route("/<int:org_id>")
@login_required
def detail(org_id: int):
    organization = get_or_404(db.session.get(Organization, org_id))
    require(can_view_organization(current_user, organization))
    return render_template("organizations/detail.html", organization=organization)
