from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    registry = current_app.extensions.get("sibantu.programs")
    programs = registry.current_definitions() if registry else []
    return render_template("main/index.html", programs=programs)
