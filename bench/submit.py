"""Submit benchmark: the real portal submit POST against a bare one-row insert.

Per request, SIBANTU runs the whole submit path: session load (server-side session row), CSRF,
permission checks, the eligibility rules, the duplicate checks, the stage move under its
version guard, the stage task, the audit event and the outbox rows, one commit. Each request
submits a *prepared draft* (answers saved and documents attached beforehand, not timed): a
multi-step form per request would measure the upload of ten files, not the submit.
The baseline is ``bench/baseline.py`` under the same gunicorn settings, same client threads.
"""

from __future__ import annotations

import statistics
import time

from bench.client import Recorder, log_in, timed_run, token_of
from bench.cpu import Meter, compared
from bench.world import PASSWORD

#: the submit's targets (issue "The applicant's path at the hardware's pace"): at least 0.3x the
#: bare insert, and at least half of what a bare handler making the same round trips reaches
TARGET = 0.3
FLOOR_SHARE_TARGET = 0.5
#: the floor curve is solved for this ratio (``round_trips_at_target``)
CURVE_TARGET = 0.5


def run_submit(base: str, owners: list[tuple[str, list[int]]], deadline: float,
               meter: Meter | None = None) -> dict:
    recorder = Recorder()
    sessions = [(log_in(base, email, PASSWORD), ids) for email, ids in owners]
    tokens = [token_of(session, base) for session, _ in sessions]

    def worker(session, token, ids):
        def job():
            for application_id in ids:
                if time.monotonic() > deadline:
                    return
                recorder.timed("submit", lambda a=application_id: session.post(
                    f"{base}/portal/permohonan/{a}/kirim", data={"csrf_token": token},
                    allow_redirects=False, timeout=60), expect=(302,))
        return job

    return timed_run(recorder, "submit",
                     [worker(s, t, ids) for (s, ids), t in zip(sessions, tokens, strict=True)],
                     deadline, meter)


def run_baseline(base: str, threads: int, per_thread: int, deadline: float,
                 meter: Meter | None = None) -> dict:
    """The bare one-row insert."""
    return _run_bare(base, "/insert", {}, "insert", threads, per_thread, deadline, meter)


def run_floor(base: str, threads: int, per_thread: int, statements: int,
              deadline: float, meter: Meter | None = None) -> dict:
    """The bare endpoint doing as many round trips as one real submit (``count_statements``)."""
    return _run_bare(base, "/round-trips", {"n": statements}, "floor", threads, per_thread,
                     deadline, meter)


def _run_bare(base: str, path: str, data: dict, step: str, threads: int, per_thread: int,
              deadline: float, meter: Meter | None = None) -> dict:
    recorder = Recorder()

    def job():
        import requests

        session = requests.Session()
        for n in range(per_thread):
            if time.monotonic() > deadline:
                return
            recorder.timed(step, lambda n=n: session.post(
                f"{base}{path}", data={"payload": f"row {n}", **data}, timeout=60),
                expect=(201,))

    return timed_run(recorder, step, [job for _ in range(threads)], deadline, meter)


def count_statements(app, email: str, application_id: int) -> int:
    """Database statements one real submit request issues (in-process, this thread only):
    session load, the whole transition and the commit."""
    import re
    import threading

    import sqlalchemy as sa

    from app.extensions import db

    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/masuk").get_data(as_text=True)).group(1)
    client.post("/masuk", data={"csrf_token": token, "email": email, "password": PASSWORD})
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/").get_data(as_text=True)).group(1)
    me = threading.get_ident()
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        if threading.get_ident() == me:
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.post(f"/portal/permohonan/{application_id}/kirim",
                               data={"csrf_token": token})
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    if response.status_code != 302:
        raise RuntimeError(f"the counted submit answered {response.status_code}")
    return len(seen) + 1  # + the COMMIT, which is not a cursor statement


def floor_points(statements: int) -> list[int]:
    """Round-trip counts at which the bare floor is measured: 1 (≈ the baseline itself), a few
    between, and the real submit's count."""
    return sorted({1, 6, 12, max(1, statements)})


def compare(real: dict, bare: dict, floors: dict[int, dict] | None = None,
            statements: int | None = None) -> dict:
    ratio = real["per_second"] / bare["per_second"] if bare["per_second"] else 0.0
    p95 = real["p95_ms"] / bare["p95_ms"] if bare["p95_ms"] else 0.0
    result = {"submit": real, "baseline": bare, "throughput_ratio": round(ratio, 3),
              "p95_ratio": round(p95, 2),
              "target": f"throughput >= {TARGET}x baseline and >= {FLOOR_SHARE_TARGET}x the "
                        "round-trip floor at its statement count",
              "met": ratio >= TARGET and real["errors"] == 0}
    cpu = compared(real, bare)
    if cpu:
        result["cpu"] = cpu
    if floors and statements in floors and bare["per_second"]:
        curve = {n: f["per_second"] / bare["per_second"] for n, f in floors.items()
                 if f["per_second"]}
        result["statements_per_submit"] = statements
        result["round_trip_floor"] = floors[statements]
        result["floor_ratio"] = round(curve.get(statements, 0.0), 3)
        result["floor_curve"] = {str(n): round(r, 3) for n, r in sorted(curve.items())}
        result["round_trips_at_target"] = round_trips_at(curve, CURVE_TARGET)
        share_of_floor(result)
    return result


def share_of_floor(result: dict) -> None:
    """The submit's throughput as a share of the floor at its own statement count, and the
    target's verdict on both ratios."""
    floor = result.get("floor_ratio")
    if not floor:
        return
    result["floor_share"] = round(result["throughput_ratio"] / floor, 3)
    result["met"] = bool(result["met"] and result["floor_share"] >= FLOOR_SHARE_TARGET)


def combine_rounds(rounds: list[dict]) -> dict:
    """The round with the median throughput ratio (its figures stay consistent with each
    other), every round's ratio, and the floor curve as the median of each point."""
    ordered = sorted(rounds, key=lambda r: r["throughput_ratio"])
    result = dict(ordered[len(ordered) // 2])
    result["rounds"] = [r["throughput_ratio"] for r in rounds]
    curves = [r["floor_curve"] for r in rounds if "floor_curve" in r]
    if curves:
        points = sorted({int(n) for curve in curves for n in curve})
        median = {n: statistics.median(c[str(n)] for c in curves if str(n) in c) for n in points}
        result["floor_curve"] = {str(n): round(v, 3) for n, v in median.items()}
        result["floor_rounds"] = curves
        result["round_trips_at_target"] = round_trips_at(median, CURVE_TARGET)
        statements = str(result.get("statements_per_submit"))
        if statements in result["floor_curve"]:
            result["floor_ratio"] = result["floor_curve"][statements]
        result["met"] = result["throughput_ratio"] >= TARGET
        share_of_floor(result)
    result["met"] = result["met"] and all(r["submit"]["errors"] == 0 for r in rounds)
    return result


def round_trips_at(curve: dict[int, float], target: float) -> float | None:
    """How many round trips a bare handler can make and still reach ``target``.

    A request's cost is fixed work plus a cost per round trip, so 1/ratio grows linearly with the
    count: fit that line (least squares) and solve it for 1/target."""
    points = [(n, 1 / r) for n, r in curve.items() if r > 0]
    if len(points) < 2:
        return None
    mean_n = sum(n for n, _ in points) / len(points)
    mean_c = sum(c for _, c in points) / len(points)
    spread = sum((n - mean_n) ** 2 for n, _ in points)
    if spread == 0:
        return None
    slope = sum((n - mean_n) * (c - mean_c) for n, c in points) / spread
    if slope <= 0:
        return None
    return round((1 / target - (mean_c - slope * mean_n)) / slope, 1)
