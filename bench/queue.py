"""Benchmark of the reviewer queue at scale (not a test).

    .venv/bin/python -m bench.queue --applications 1000000

Creates a scratch PostgreSQL database, migrates it, bulk-fills N submitted applications with
their stage tasks in one ``INSERT … SELECT generate_series`` per program (60% guru ngaji at
Kesra, 20% beasiswa MBR at Dinas Pendidikan, 10% SANITREN at Kemenag, 10% KEMBANGKU at Dinas
Koperasi; 90% of tasks open, due dates spread over two months), then for the queries that
``app/staff/queue.py`` really builds:

* runs EXPLAIN (ANALYZE, BUFFERS) on the first page and on a deep page (keyset cursor 90% down
  the largest queue) and fails if any plan reads ``applications`` or ``stage_tasks`` with a
  Seq Scan;
* times first page vs deep page (median of repeated runs) and prints the ratio (target ≤ 1.2×).

The database is dropped at the end (``--keep`` keeps it). Connection: PGHOST/PGPORT/PGUSER or
the TEST_PG_* variables, as for the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa

from bench.audit_verify import PG, create_database, drop_database, make_app

TARGET_RATIO = 1.2
#: program, share of N, agency of its first review stage
MIX = (("guru_ngaji", 6, "KESRA"), ("beasiswa_mbr", 2, "DISDIK"), ("sanitren", 1, "KEMENAG"),
       ("kembangku", 1, "DISKOPUM"))
BIG_TABLES = {"applications", "stage_tasks"}
PASSWORD = "Bench-Queue-2026"  # noqa: S105  (scratch database only)


# --- fill ------------------------------------------------------------------------------------


def first_review_stage(key: str, agency: str) -> str:
    from app.programs.registry import registry

    defn = registry().current(key)
    return next(s.key for s in defn.stages if s.agency == agency and s.role == "reviewer")


def prepare(db) -> dict[str, Any]:
    """Reference data, one organisation that 'applies' N times, and the benchmark's reviewers."""
    from app.accounts import operations as accounts
    from app.demo import ensure_reference_data
    from app.organizations.models import Organization

    ensure_reference_data()
    owner = accounts.register_applicant(full_name="Pemohon Bench", email="owner@bench.id",
                                        phone="081200000001", password=PASSWORD)
    org = Organization(kind="pesantren", name="Pondok Bench", pesantren_type="salafi",
                       nspp="510036039999", desa_code="36.03.01.2003")
    db.session.add(org)
    kesra = accounts.create_staff_user(email="kesra@bench.id", full_name="Reviewer Kesra",
                                       password=PASSWORD, role="reviewer", agency_code="KESRA")
    both = accounts.create_staff_user(email="both@bench.id", full_name="Reviewer Dua OPD",
                                      password=PASSWORD, role="reviewer", agency_code="KESRA")
    accounts.grant_role(both, "reviewer", agency_code="DISDIK")
    db.session.commit()
    return {"owner": owner.id, "org": org.id, "kesra": kesra.id, "both": both.id}


FILL_APPLICATIONS = """
WITH desa AS (
    SELECT array_agg(code ORDER BY code) AS codes FROM regions WHERE level IN ('desa', 'kelurahan')
)
INSERT INTO applications (number, program_key, definition_version, fiscal_year, stage, version,
    organization_id, owner_user_id, kecamatan_code, desa_code, applicant_name, answers,
    eligibility, submitted_dt, created_dt, updated_dt)
SELECT upper(%(key)s) || '-2026-' || lpad((%(offset)s + g)::text, 7, '0'), %(key)s, %(version)s,
       2026, %(stage)s, 1, %(org)s, %(owner)s,
       substr(codes[1 + (g * 31) %% array_length(codes, 1)], 1, 8),
       codes[1 + (g * 31) %% array_length(codes, 1)],
       'Pemohon ' || (%(offset)s + g), '{}', '{}', now(), now(), now()
FROM generate_series(1, %(count)s) AS g, desa
"""

FILL_TASKS = """
INSERT INTO stage_tasks (application_id, stage, agency_id, role, created_dt, due_dt, completed_dt)
SELECT a.id, a.stage, %(agency)s, 'reviewer', now(),
       now() - interval '20 days' + ((a.id * 7919) %% (86400 * 60)) * interval '1 second',
       CASE WHEN a.id %% 10 = 0 THEN now() END
FROM applications a WHERE a.program_key = %(key)s
"""


def fill(db, ids: dict[str, Any], total: int) -> float:
    from app.agencies.operations import agency_by_code
    from app.programs.registry import registry

    started, offset = time.perf_counter(), 0
    shares = sum(share for _, share, _ in MIX)
    with db.engine.begin() as conn:
        for key, share, agency in MIX:
            count = total * share // shares
            params = {"key": key, "version": registry().current(key).version, "count": count,
                      "stage": first_review_stage(key, agency), "org": ids["org"],
                      "owner": ids["owner"], "offset": offset,
                      "agency": agency_by_code(agency).id}
            conn.exec_driver_sql(FILL_APPLICATIONS, params)
            conn.exec_driver_sql(FILL_TASKS, params)
            offset += count
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE applications")
        conn.exec_driver_sql("VACUUM ANALYZE stage_tasks")
    return time.perf_counter() - started


# --- plans and timings -----------------------------------------------------------------------


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def explain(db, query: sa.Select) -> tuple[list[str], float]:
    """Scan nodes of the plan (``Index Scan stage_tasks ix_…``) and the execution time (ms)."""
    compiled = query.compile(dialect=db.engine.dialect)
    with db.engine.connect() as conn:
        raw = conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + str(compiled), compiled.params
        ).scalar()
    doc = raw if isinstance(raw, list) else json.loads(raw)
    scans = [f"{n['Node Type']} {n.get('Relation Name', '')} {n.get('Index Name', '')}".strip()
             for n in plan_nodes(doc[0]["Plan"]) if "Relation Name" in n]
    return scans, doc[0]["Execution Time"]


def median_ms(run: Callable[[], Any], repeat: int) -> float:
    run()  # warm the cache once
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def deep_cursor(db, user, depth: float):
    """The keyset cursor ``depth`` of the way down the user's largest queue slice."""
    from app.applications.models import StageTask
    from app.applications.permissions import work_scopes
    from app.staff.queue import Cursor

    agency, role = work_scopes(user)[0]
    where = (StageTask.agency_id == agency, StageTask.role == role,
             StageTask.completed_dt.is_(None))
    size = db.session.scalar(sa.select(sa.func.count()).where(*where))
    row = db.session.execute(
        sa.select(StageTask.due_dt, StageTask.id).where(*where)
        .order_by(StageTask.due_dt, StageTask.id).offset(int(size * depth)).limit(1)
    ).one()
    return Cursor(row.due_dt, row.id), size


def interleaved_ms(runs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Median ms of each callable, run alternately so drift and noise hit all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()  # warm the cache once
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def scenario(db, name: str, user, filters, cursor, repeat: int) -> list[str]:
    """Plans and timings of one queue, first page vs deep page; returns the problems found."""
    from app.staff import queue

    problems, runs = [], {}
    for label, after in (("first", None), ("deep", cursor)):
        query = queue.page_ids_query(user, filters, after)
        scans, executed = explain(db, query)
        bad = [s for s in scans if s.startswith("Seq Scan") and s.split()[2] in BIG_TABLES]
        problems += [f"{name}/{label}: {s}" for s in bad]
        print(f"  {label:5} page plan: EXPLAIN ANALYZE {executed:.3f} ms; "
              f"scans: {'; '.join(sorted(set(scans)))}")
        runs[f"{label} ids"] = lambda q=query: db.session.execute(q).all()
        runs[f"{label} page"] = lambda a=after: queue.page(user, filters, a)
    ms = interleaved_ms(runs, repeat)
    ratio, page_ratio = ms["deep ids"] / ms["first ids"], ms["deep page"] / ms["first page"]
    verdict = "ok" if ratio <= TARGET_RATIO else "ABOVE TARGET"
    print(f"  page query: first {ms['first ids']:.3f} ms, deep {ms['deep ids']:.3f} ms, "
          f"ratio {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict})")
    print(f"  whole page with rows loaded: first {ms['first page']:.2f} ms, "
          f"deep {ms['deep page']:.2f} ms, ratio {page_ratio:.2f}x")
    return problems


def measure(db, ids: dict[str, Any], repeat: int) -> list[str]:
    from app.accounts.models import User
    from app.staff.queue import QueueFilter, stage_counts

    kesra, both = db.session.get(User, ids["kesra"]), db.session.get(User, ids["both"])
    cursor, size = deep_cursor(db, kesra, 0.9)
    stage = first_review_stage("guru_ngaji", "KESRA")
    print(f"largest queue slice (Kesra reviewer): {size:,} open tasks; deep cursor at 90%")
    problems = []
    cases = (
        ("Kesra reviewer, no filter", kesra, QueueFilter()),
        ("Kesra reviewer, stage filter", kesra, QueueFilter(stage=stage)),
        ("Kesra reviewer, program filter (join)", kesra, QueueFilter(program="guru_ngaji")),
        ("reviewer at Kesra and Disdik (UNION ALL of two slices)", both, QueueFilter()),
    )
    for name, user, filters in cases:
        print(f"{name}:")
        problems += scenario(db, name, user, filters, cursor, repeat)
    counts_ms = median_ms(lambda: stage_counts(kesra), 5)
    print(f"per-stage counts for the Kesra reviewer: {counts_ms:.1f} ms (whole slice counted)")
    return problems


# --- main ------------------------------------------------------------------------------------


def run(applications: int, repeat: int, keep: bool) -> None:
    from flask_migrate import upgrade

    from app.extensions import db

    name = f"sibantu_bench_queue_{os.getpid()}"
    app = make_app(create_database(name))
    print(f"scratch database {name} on {PG['host']}:{PG['port']}")
    try:
        with app.app_context():
            upgrade()
            ids = prepare(db)
            seconds = fill(db, ids, applications)
            print(f"filled {applications:,} applications and their stage tasks in {seconds:.1f} s")
            problems = measure(db, ids, repeat)
            db.session.remove()
            db.engine.dispose()
        if problems:
            raise SystemExit("sequential scans on big tables:\n  " + "\n  ".join(problems))
        print("no Seq Scan on applications or stage_tasks in any queue plan")
    finally:
        if not keep:
            drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=300, help="timed runs per query")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    run(args.applications, args.repeat, args.keep)


if __name__ == "__main__":
    main()
