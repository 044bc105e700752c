"""Staff workspace: the dashboard (per stage, per kecamatan, budget, SLA). The public
transparency page (``public.py``) renders the same context from cached aggregates."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _

from app.staff import charts, dashboard, filters
from app.staff.blueprint import bp
from app.staff.permissions import READ_ROLES, for_roles


def dashboard_context(args: Any, aggregates=dashboard.aggregates) -> dict[str, Any]:
    programs = dashboard.programs()
    keys = [p.key for p in programs]
    key = args.get("program") if args.get("program") in keys else (keys[0] if keys else None)
    if key is None:
        return {"programs": programs, "data": None}
    years = dashboard.fiscal_years(key) or [filters.now().year]
    year = args.get("tahun", type=int)
    year = year if year in years else years[0]
    data = aggregates(key, year)
    return {
        "programs": programs,
        "years": years,
        "program_key": key,
        "year": year,
        "data": data,
        "charts": _charts(data),
    }


def _charts(data: dashboard.Aggregates) -> dict[str, Any]:
    stages = [(filters.text(name), n) for _, name, n in data.per_stage]
    return {
        "stages": charts.bar_chart(stages, _("Permohonan per tahap")),
        "kecamatan": charts.bar_chart(
            [(name, n) for _, name, n, _a in data.per_kecamatan],
            _("Sebaran permohonan per kecamatan"),
            secondary=[a for *_x, a in data.per_kecamatan],
        ),
        "budget": charts.progress_bar(
            data.reserved, data.ceiling, _("Pagu terpakai"), fmt=filters.rupiah
        ),
        "sla": charts.bar_chart(
            [(r.agency, r.percent or 0) for r in data.sla],
            _("Kepatuhan SLA per OPD (%)"),
            fmt=lambda v: f"{v}%",
        ),
    }


@bp.route("/dasbor", endpoint="dashboard")
@for_roles(*READ_ROLES)
def dashboard_view():
    return render_template("staff/dashboard.html", **dashboard_context(request.args))
