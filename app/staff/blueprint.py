"""The staff workspace's blueprint (/staf); the route modules register on it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staf")
