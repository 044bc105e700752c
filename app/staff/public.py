"""Public transparency page (/transparansi): the dashboard's aggregates, no personal data.

Responses are cacheable by browsers and proxies (``Cache-Control: public``) and the figures are
kept in memory for a few minutes, so a busy public page costs the database a few queries an hour.
The page uses the bare layout (no user-dependent header), so one cached copy fits every visitor.
"""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from flask import Blueprint, Response, render_template, request

from app.staff import dashboard
from app.staff.dashboard_views import dashboard_context

bp = Blueprint("transparency", __name__, url_prefix="/transparansi")
MAX_AGE = 300
_cache: dict[tuple[str, int], tuple[float, dashboard.Aggregates]] = {}


def cached_aggregates(program_key: str, year: int) -> dashboard.Aggregates:
    now = time.monotonic()
    hit = _cache.get((program_key, year))
    if hit is not None and now - hit[0] < MAX_AGE:
        return hit[1]
    data = dashboard.aggregates(program_key, year)
    _cache[(program_key, year)] = (now, data)
    return data


def _public(response: Response) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.vary.add("Cookie")
    return response


def _context() -> dict[str, Any]:
    return dashboard_context(request.args, aggregates=cached_aggregates)


@bp.route("/")
def index():
    return _public(Response(render_template("staff/public.html", **_context())))


@bp.route("/data.csv")
def data():
    """The same figures as CSV (per stage and per kecamatan)."""
    context = _context()
    aggregates = context.get("data")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["program", "tahun", "bagian", "kode", "nama", "jumlah", "ditetapkan"])
    if aggregates is not None:
        key, year = aggregates.program_key, aggregates.fiscal_year
        for stage, name, count in aggregates.per_stage:
            writer.writerow([key, year, "tahap", stage, getattr(name, "id", name), count, ""])
        for code, name, count, approved in aggregates.per_kecamatan:
            writer.writerow([key, year, "kecamatan", code, name, count, approved])
    return _public(Response(buffer.getvalue(), mimetype="text/csv"))
