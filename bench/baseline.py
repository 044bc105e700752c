"""The bare baseline: Flask + Flask-SQLAlchemy, one endpoint inserting one row, nothing else.

``/round-trips`` is the same endpoint with n - 1 trivial queries before the insert: the floor
of any handler that needs as many database round trips as the real submit does.

Served by the same gunicorn settings as the real app (``gunicorn 'bench.baseline:create_app()'``),
on the
same database (its own table), so the ratio shows what SIBANTU's submit path adds.

``/page`` renders SIBANTU's own ``templates/base.html`` with plain Jinja (gettext without a
catalogue, stub routes for the links it builds): the floor of a template-only page, to compare
with the real app's home page for a visitor who is not signed in.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, Flask, render_template, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: the endpoints base.html links to for a visitor; the bare app answers them with stubs
STUB_ENDPOINTS = {"main": ("index",), "accounts": ("login", "register", "set_language"),
                  "programs": ("index",)}


class Row(db.Model):
    __tablename__ = "bench_baseline_rows"
    id = sa.Column(sa.Integer, primary_key=True)
    payload = sa.Column(sa.String(200), nullable=False)


def create_app(url: str | None = None) -> Flask:
    flask_app = Flask(__name__, template_folder=str(TEMPLATES))
    url = url or os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    flask_app.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(flask_app)

    @flask_app.post("/insert")
    def insert():
        db.session.add(Row(payload=request.form.get("payload", "x")[:200]))
        db.session.commit()
        return "ok", 201

    @flask_app.post("/round-trips")
    def round_trips():
        """The *floor* of a request that needs n database round trips: n - 1 trivial queries
        and the one-row insert, one transaction, nothing else (no session, rules or ORM)."""
        count = max(1, min(int(request.form.get("n", "1")), 200))
        for _ in range(count - 1):
            db.session.execute(sa.text("SELECT 1"))
        db.session.add(Row(payload=request.form.get("payload", "x")[:200]))
        db.session.commit()
        return "ok", 201

    _template_page(flask_app)
    return flask_app


def _template_page(flask_app: Flask) -> None:
    env = flask_app.jinja_env
    env.add_extension("jinja2.ext.i18n")
    env.install_null_translations(newstyle=True)
    env.globals["has_endpoint"] = lambda name: name in flask_app.view_functions
    for name, endpoints in STUB_ENDPOINTS.items():
        blueprint = Blueprint(name, __name__, url_prefix=f"/stub-{name}")
        for endpoint in endpoints:
            blueprint.add_url_rule(f"/{endpoint}", endpoint, lambda: "stub")
        flask_app.register_blueprint(blueprint)

    @flask_app.get("/page")
    def page():
        return render_template("base.html")

