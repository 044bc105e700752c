"""Two more figures against the bare app, each the median of rounds that alternate real and bare:

* **page**: the home page (``/``) for a visitor who is not signed in vs the bare app's ``/page``,
  which renders the same ``base.html`` with plain Jinja. Both answer without a session.
* **draft_save**: the applicant's form save (``POST /portal/permohonan/<id>/isian``: session,
  CSRF, permission, form validation, answers written, audit event, one commit, redirect) vs the
  bare one-row insert.
"""

from __future__ import annotations

import time

import requests

from bench.client import TIMEOUT, Recorder, log_in, timed_run, token_of
from bench.cpu import Meter, compared
from bench.load import ANSWERS
from bench.world import PASSWORD

PAGE_TARGET = 0.5
DRAFT_TARGET = 0.4
THREADS = 8


def run_gets(url: str, step: str, threads: int, per_thread: int, deadline: float,
             *, cookie_free: bool = True, meter: Meter | None = None) -> dict:
    """``threads`` cookie-less clients each GETting ``url`` ``per_thread`` times (an error when
    ``cookie_free`` and the answer starts a session)."""
    recorder = Recorder()

    def job():
        session = requests.Session()
        for _ in range(per_thread):
            if time.monotonic() > deadline:
                return
            response = recorder.timed(step, lambda: session.get(url, timeout=TIMEOUT), (200,))
            if cookie_free and response is not None and "Set-Cookie" in response.headers:
                recorder.fail(f"{step}: a session cookie was set for a visitor")

    return timed_run(recorder, step, [job for _ in range(threads)], deadline, meter)


def run_draft_saves(base: str, owners: list[tuple[str, list[int]]], deadline: float,
                    meter: Meter | None = None) -> dict:
    """Each owner's thread saves the form answers of each of its drafts once."""
    recorder = Recorder()
    sessions = [(log_in(base, email, PASSWORD), ids) for email, ids in owners]
    tokens = [token_of(session, base) for session, _ in sessions]

    def worker(session, token, ids):
        def job():
            for application_id in ids:
                if time.monotonic() > deadline:
                    return
                recorder.timed("draft_save", lambda a=application_id: session.post(
                    f"{base}/portal/permohonan/{a}/isian",
                    data={"csrf_token": token, **ANSWERS}, allow_redirects=False,
                    timeout=TIMEOUT), expect=(302,))
        return job

    return timed_run(recorder, "draft_save",
                     [worker(s, t, ids) for (s, ids), t in zip(sessions, tokens, strict=True)],
                     deadline, meter)


def ratio_of(real: dict, bare: dict, target: float, name: str) -> dict:
    ratio = real["per_second"] / bare["per_second"] if bare["per_second"] else 0.0
    result = {name: real, "baseline": bare, "throughput_ratio": round(ratio, 3),
              "p95_ratio": round(real["p95_ms"] / bare["p95_ms"], 2) if bare["p95_ms"] else 0.0,
              "target": f"throughput >= {target}x baseline",
              "met": ratio >= target and real["errors"] == 0}
    cpu = compared(real, bare)
    if cpu:
        result["cpu"] = cpu
    return result


def median_round(rounds: list[dict], name: str) -> dict:
    """The round with the median ratio (one run alone can be off by a third on a shared
    machine), every round's ratio, and no errors in any round."""
    ordered = sorted(rounds, key=lambda r: r["throughput_ratio"])
    result = dict(ordered[len(ordered) // 2])
    result["rounds"] = [r["throughput_ratio"] for r in rounds]
    result["met"] = result["met"] and all(r[name]["errors"] == 0 for r in rounds)
    return result


def page_rounds(real, bare, per_thread: int, rounds: int, deadline: float) -> dict:
    """``real``, ``bare``: the two ``bench.server.Gunicorn`` (their URLs and processes)."""
    results = []
    for _ in range(rounds):
        real_run = run_gets(f"{real.url}/", "page", THREADS, per_thread, deadline,
                            meter=Meter(real))
        bare_run = run_gets(f"{bare.url}/page", "bare_page", THREADS, per_thread, deadline,
                            meter=Meter(bare))
        results.append(ratio_of(real_run, bare_run, PAGE_TARGET, "page"))
    return median_round(results, "page")


def draft_rounds(real, bare, owners: list, rounds: int, deadline: float) -> dict:
    """``real``, ``bare``: the two ``bench.server.Gunicorn`` (their URLs and processes)."""
    from bench.submit import run_baseline

    per_round = max(1, min(len(ids) for _, ids in owners) // rounds)
    results = []
    for number in range(rounds):
        chunk = [(email, ids[number * per_round:(number + 1) * per_round])
                 for email, ids in owners]
        real_run = run_draft_saves(real.url, chunk, deadline, meter=Meter(real))
        bare_run = run_baseline(bare.url, len(owners), per_round, deadline, meter=Meter(bare))
        results.append(ratio_of(real_run, bare_run, DRAFT_TARGET, "draft_save"))
    return median_round(results, "draft_save")


def count_draft_statements(app, email: str, application_id: int) -> int:
    """Statements one real draft save issues (in-process, this thread), plus its COMMIT."""
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
    me, seen = threading.get_ident(), []

    def count(conn, cursor, statement, *args):
        if threading.get_ident() == me:
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.post(f"/portal/permohonan/{application_id}/isian",
                               data={"csrf_token": token, **ANSWERS})
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    if response.status_code != 302:
        raise RuntimeError(f"the counted draft save answered {response.status_code}")
    return len(seen) + 1
