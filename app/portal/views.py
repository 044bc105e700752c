from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")
programs_bp = Blueprint("programs", __name__, url_prefix="/program")
