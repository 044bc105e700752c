"""Open statistics per program, fiscal year and kecamatan: counts and rupiah, no personal data.

Public and cacheable (``Cache-Control: public, max-age=300`` with a strong ETag; a matching
``If-None-Match`` gets 304) so the open-data portal can poll it freely.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import Response, json, request

from app.api.blueprint import api
from app.api.problems import ApiProblem
from app.api.programs import definition_or_404
from app.api.schemas import Out, Text, text
from app.applications.models import Application
from app.extensions import db
from app.programs import budget
from app.regions.models import Region

CACHE_CONTROL = "public, max-age=300"
MIN_YEAR, MAX_YEAR = 2000, 2100
HEADERS_DOC = {
    "Cache-Control": {"schema": {"type": "string"}, "description": CACHE_CONTROL},
    "ETag": {"schema": {"type": "string"}, "description": "Strong validator of the body"},
}


class KecamatanStats(Out):
    kecamatan_code: str
    kecamatan_name: str
    submitted: int
    approved: int
    amount_reserved: int
    completed: int
    rejected: int


class ProgramStats(Out):
    program_key: str
    program_name: Text
    fiscal_year: int
    budget_ceiling: int | None
    budget_reserved: int | None
    submitted: int
    approved: int
    amount_reserved: int
    kecamatan: list[KecamatanStats]


def _counts(program_key: str, year: int) -> dict[str, dict[str, int]]:
    """kecamatan → submitted / completed / rejected application counts (drafts excluded)."""
    a = Application
    rows = db.session.execute(
        sa.select(a.kecamatan_code, sa.func.count(),
                  sa.func.count().filter(a.outcome == "completed"),
                  sa.func.count().filter(a.outcome == "rejected"))
        .where(a.program_key == program_key, a.fiscal_year == year, a.submitted_dt.is_not(None),
               a.kecamatan_code.is_not(None))
        .group_by(a.kecamatan_code)
    ).all()
    return {code: {"submitted": s, "completed": c, "rejected": r} for code, s, c, r in rows}


def program_stats(defn, year: int) -> ProgramStats:
    counts = _counts(defn.key, year)
    approved = budget.usage_by_kecamatan(defn.key, year)
    codes = sorted(set(counts) | set(approved))
    names = dict(db.session.execute(
        sa.select(Region.code, Region.name).where(Region.code.in_(codes))).all())
    rows = [KecamatanStats(
        kecamatan_code=code, kecamatan_name=names.get(code, code),
        approved=approved.get(code, (0, 0))[0], amount_reserved=approved.get(code, (0, 0))[1],
        **{k: counts.get(code, {}).get(k, 0) for k in ("submitted", "completed", "rejected")},
    ) for code in codes]
    usage = budget.usage(defn.key, year)
    return ProgramStats(
        program_key=defn.key, program_name=text(defn.name), fiscal_year=year,
        budget_ceiling=usage.ceiling if usage else None,
        budget_reserved=usage.reserved if usage else None,
        submitted=sum(r.submitted for r in rows), approved=sum(r.approved for r in rows),
        amount_reserved=sum(r.amount_reserved for r in rows), kecamatan=rows,
    )


@api.operation("GET", "/statistics/<program_key>/<int:year>", summary="Open statistics",
               tags=("statistics",), public=True, response=ProgramStats,
               response_headers=HEADERS_DOC, errors=(304,),
               path_schemas={"program_key": "program_key", "year": "year"})
def get_statistics(program_key: str, year: int):
    """Applications submitted, approved (with rupiah reserved), completed and rejected per
    kecamatan for one program and fiscal year. Aggregates only: no names, no identifiers."""
    defn = definition_or_404(program_key)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ApiProblem(404, "Tahun anggaran di luar jangkauan.", code="year_out_of_range")
    body = json.dumps(program_stats(defn, year).model_dump(mode="json"))
    tag = hashlib.sha256(body.encode()).hexdigest()[:32]
    fresh = request.if_none_match.contains_weak(tag)
    response = Response(b"" if fresh else body, status=304 if fresh else 200,
                        mimetype="application/json")
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.set_etag(tag)
    return response
