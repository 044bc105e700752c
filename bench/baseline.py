"""The bare baseline: Flask + Flask-SQLAlchemy, one endpoint inserting one row, nothing else.

``/round-trips`` is the same endpoint with n - 1 trivial queries before the insert: the floor
of any handler that needs as many database round trips as the real submit does.

Served by the same gunicorn settings as the real app (``gunicorn 'bench.baseline:create_app()'``),
on the
same database (its own table), so the ratio shows what SIBANTU's submit path adds.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Row(db.Model):
    __tablename__ = "bench_baseline_rows"
    id = sa.Column(sa.Integer, primary_key=True)
    payload = sa.Column(sa.String(200), nullable=False)


def create_app(url: str | None = None) -> Flask:
    flask_app = Flask(__name__)
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

    return flask_app

