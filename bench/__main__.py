"""``make bench`` (``python -m bench``): every benchmark, one table, bench/results/latest.json.

    python -m bench            # full sizes (1,000,000 applications and audit events)
    python -m bench --quick    # smaller N, a smoke run of a few minutes
    python -m bench --only submit,load

Starts the real app and the bare baseline under gunicorn (2 workers) on 127.0.0.1 with a fresh
PostgreSQL database built by the migrations, plus Redis as broker; the queue, audit and
notification benchmarks run as their own modules (each with its own scratch database). Every
figure is compared with a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZES = {
    "quick": {"submit_owners": 4, "submit_per_owner": 15, "applicants": 40, "reviewers": 5,
              "load_seconds": 180, "queue": 100_000, "audit": 100_000, "notifications": 200,
              "page_per_thread": 40, "guru_ngaji_sample": 60},
    "full": {"submit_owners": 8, "submit_per_owner": 50, "applicants": 200, "reviewers": 20,
             "load_seconds": 600, "queue": 1_000_000, "audit": 1_000_000,
             "notifications": 1000, "page_per_thread": 150, "guru_ngaji_sample": 240},
}
ALL = ("page", "draft", "submit", "load", "guru_ngaji", "queue", "audit", "notifications",
       "peer")


def machine() -> dict[str, Any]:
    import gunicorn
    import psycopg
    import redis

    from bench.world import PG

    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    with psycopg.connect(**PG, dbname="postgres") as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    try:
        redis_version = redis.Redis(host="127.0.0.1").info()["redis_version"]
    except redis.RedisError:
        redis_version = "not reachable"
    return {"cores": os.cpu_count(), "memory_gib": round(int(memory) / 1024 / 1024, 1),
            "cpu": _cpu_model(), "python": platform.python_version(),
            "postgresql": postgres, "redis": redis_version, "gunicorn": gunicorn.__version__,
            "os": platform.platform(), "gunicorn_settings": "-w 2 --threads 4, loopback"}


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


# ---------------------------------------------------------------- in-process (gunicorn) benchmarks


def web_benchmarks(sizes: dict, wanted: set[str]) -> dict[str, Any]:
    from bench.server import Gunicorn
    from bench.world import BenchDatabase, open_sanitren

    results: dict[str, Any] = {}
    with BenchDatabase() as database:
        open_sanitren(database.app)
        prepared = prepare(database, sizes, wanted)
        _create_baseline_table(database)
        env = database.server_env()
        results["password_hash"] = {"chosen": str(database.hash_params),
                                    "verify_ms": database.hash_timings,
                                    "budget_ms": 100, "met": database.hash_timings.get(
                                        str(database.hash_params), 1e9) <= 100}
        print(f"  argon2id {database.hash_params} (calibrated: {database.hash_timings} ms)")
        with Gunicorn("bench.wsgi:app", env, database.directory) as real, \
                Gunicorn("bench.baseline:create_app()", env, database.directory,
                         probe="/page") as bare:
            for name in WEB:
                if name in wanted:
                    results[name] = WEB_RUNS[name](real, bare, prepared, sizes)
                    results[name]["password_hash_params"] = str(database.hash_params)
                    print_row(name, results[name])
    return results


def prepare(database, sizes: dict, wanted: set[str]) -> dict[str, Any]:
    """Users and drafts, built in-process through the real operations before gunicorn starts."""
    from bench.guru_ngaji import nominations
    from bench.world import load_users, submit_drafts

    prepared: dict[str, Any] = {"owners": [], "statements": 0}
    if wanted & {"submit", "draft"}:  # one draft per owner is kept back and submitted here
        owners = submit_drafts(database.app, sizes["submit_owners"],
                               sizes["submit_per_owner"] + 1)
        from bench.pages import count_draft_statements
        from bench.submit import count_statements

        prepared["draft_statements"] = count_draft_statements(database.app, owners[0][0],
                                                              owners[0][1][-1])
        prepared["statements"] = count_statements(database.app, owners[0][0], owners[0][1][-1])
        prepared["owners"] = [(email, ids[:-1]) for email, ids in owners]
    if "load" in wanted:
        prepared["users"] = load_users(database.app, sizes["applicants"], sizes["reviewers"])
    if "guru_ngaji" in wanted:
        prepared["nominations"] = nominations(database.app, sizes["guru_ngaji_sample"])
    return prepared


#: the web benchmarks in the order they run (draft saves use the submit drafts before they are
#: submitted)
WEB = ("page", "draft", "submit", "load", "guru_ngaji")
WEB_RUNS = {
    "page": lambda real, bare, prepared, sizes: _page(real, bare, sizes),
    "draft": lambda real, bare, prepared, sizes: _draft(real, bare, prepared),
    "submit": lambda real, bare, prepared, sizes: submit_rounds(
        real, bare, prepared["owners"], prepared["statements"], sizes),
    "load": lambda real, bare, prepared, sizes: _load(real, prepared, sizes),
    "guru_ngaji": lambda real, bare, prepared, sizes: _guru_ngaji(real, prepared),
}


def _page(real, bare, sizes: dict) -> dict[str, Any]:
    from bench.pages import page_rounds

    return page_rounds(real, bare, sizes["page_per_thread"], SUBMIT_ROUNDS,
                       time.monotonic() + 600)


def _draft(real, bare, prepared: dict) -> dict[str, Any]:
    from bench.pages import draft_rounds

    result = draft_rounds(real, bare, prepared["owners"], SUBMIT_ROUNDS,
                          time.monotonic() + 600)
    result["statements_per_draft_save"] = prepared["draft_statements"]
    result["diagnosis"] = "python -m bench.profile_submit --what draft"
    return result


def _load(real, prepared: dict, sizes: dict) -> dict[str, Any]:
    from bench.load import run_load

    return run_load(real.url, prepared["users"], sizes["load_seconds"])


def _guru_ngaji(real, prepared: dict) -> dict[str, Any]:
    from bench.guru_ngaji import run_year

    return run_year(real.url, prepared["nominations"], time.monotonic() + 900)


#: the submit benchmark alternates real, baseline and floor runs this many times and reports the
#: median round: on a shared 2-core machine one run alone can be off by a third
SUBMIT_ROUNDS = 3


def submit_rounds(real, bare, owners: list, statements: int, sizes: dict) -> dict[str, Any]:
    from bench.cpu import Meter
    from bench.submit import (
        combine_rounds,
        compare,
        floor_points,
        run_baseline,
        run_floor,
        run_submit,
    )

    deadline = time.monotonic() + 900
    per_round = max(1, sizes["submit_per_owner"] // SUBMIT_ROUNDS)
    rounds = []
    for number in range(SUBMIT_ROUNDS):
        chunk = [(email, ids[number * per_round:(number + 1) * per_round])
                 for email, ids in owners]
        submitted = run_submit(real.url, chunk, deadline, meter=Meter(real))
        baseline = run_baseline(bare.url, len(owners), per_round, deadline, meter=Meter(bare))
        floors = {n: run_floor(bare.url, len(owners), per_round, n, deadline,
                               meter=Meter(bare))
                  for n in floor_points(statements)}
        rounds.append(compare(submitted, baseline, floors, statements))
    return combine_rounds(rounds)


def _create_baseline_table(database) -> None:
    from bench.baseline import create_app, db

    baseline = create_app(database.url)
    with baseline.app_context():
        db.create_all()
        db.engine.dispose()


# ---------------------------------------------------------------- module benchmarks


def run_module(args: list[str], timeout: int) -> tuple[int, str]:
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                              timeout=timeout, cwd=ROOT)
        output, code = done.stdout + done.stderr, done.returncode
    except subprocess.TimeoutExpired as expired:
        output, code = f"{expired.stdout or ''}\nTIMEOUT after {timeout} s", -1
    print(f"  ({' '.join(args[:1])}: {time.perf_counter() - started:.0f} s)", flush=True)
    return code, output


def queue_benchmark(count: int) -> dict[str, Any]:
    code, output = run_module(["bench.queue", "--applications", str(count), "--repeat", "30"],
                              3600)
    ids = [float(x) for x in re.findall(
        r"(?:deep/first: ids|page query: first [\d.]+ ms, deep [\d.]+ ms, ratio) ([\d.]+)x",
        output)]
    pages = [float(x) for x in re.findall(
        r"(?:whole page|whole page with rows loaded: first [\d.]+ ms, deep [\d.]+ ms, ratio)"
        r" ([\d.]+)x", output)]
    worst = max(ids) if ids else None
    return {"applications": count, "deep_over_first_ids": ids, "deep_over_first_page": pages,
            "worst_ratio": worst, "target": "deep page <= 1.2x first page",
            "seq_scans": "Seq Scan" in output and code != 0, "exit_code": code,
            "met": code == 0 and worst is not None and worst <= 1.2,
            "output_tail": [line for line in output.strip().splitlines()
                            if "alembic" not in line][-14:]}


def audit_benchmark(count: int) -> dict[str, Any]:
    code, output = run_module(["bench.audit_verify", "--events", str(count), "--rounds", "100"],
                              3600)
    rate = re.search(r"verify_chain: [\d,]+ events in [\d.]+ s = ([\d,]+) events/s", output)
    base = re.search(r"baseline \(stream rows, no hashing\): .* = ([\d,]+) rows/s", output)
    per_second = int(rate.group(1).replace(",", "")) if rate else None
    return {"events": count, "events_per_second": per_second,
            "baseline_rows_per_second": int(base.group(1).replace(",", "")) if base else None,
            "target": "events/s >= 50,000", "exit_code": code,
            "met": code == 0 and (per_second or 0) >= 50_000,
            "output_tail": output.strip().splitlines()[-8:]}


def notifications_benchmark(count: int) -> dict[str, Any]:
    """Outbox → delivered vs a bare apply_async loop, with the e-mail written as .eml files
    (the whole pipeline: relay, broker, worker, claim, render, write, mark sent) and again
    through SMTP to an aiosmtpd server that runs in the benchmark process on the same cores."""
    if not (ROOT / "bench" / "notifications.py").exists():
        return {"available": False, "met": None, "note": "bench/notifications.py not available"}
    runs = {backend: _notifications_run(count, backend) for backend in ("file", "smtp")}
    value = runs["file"]["ratio"]
    return {"available": True, "count": count, **runs["file"], "smtp": runs["smtp"],
            "target": "outbox->delivered >= 0.5x bare apply_async (file backend; SMTP reported)",
            "met": runs["file"]["exit_code"] == 0 and (value or 0) >= 0.5}


def _notifications_run(count: int, backend: str) -> dict[str, Any]:
    code, output = run_module(["bench.notifications", "--count", str(count),
                               "--mail-backend", backend], 1800)
    ratio = re.search(r"ratio outbox / bare\s*:\s*([\d.]+)", output)
    bare = re.search(r"bare apply_async no-op loop\s*:\s*([\d.]+)", output)
    outbox = re.search(r"outbox -> delivered\s*:\s*([\d.]+)", output)
    return {"mail_backend": backend, "ratio": float(ratio.group(1)) if ratio else None,
            "bare_tasks_per_second": float(bare.group(1)) if bare else None,
            "outbox_per_second": float(outbox.group(1)) if outbox else None,
            "exit_code": code, "output_tail": output.strip().splitlines()[-6:]}


def peer_benchmark(_size: Any = None) -> dict[str, Any]:
    """MHCLG's funding-service next to SIBANTU (bench/peer); says so when it cannot be set up."""
    from bench.peer.__main__ import run

    try:
        return run()
    except Exception as exc:  # noqa: BLE001  (the peer's failure must not stop the bench)
        return {"available": False, "step": "run", "note": f"peer failed: {exc!r}",
                "met": None}


# ---------------------------------------------------------------- report


def note_shortfall(result: dict) -> None:
    """Where a ratio target is missed, by how much: ``shortfall`` is the share of the target
    not reached (0.2 = the ratio is 80% of the target)."""
    target = re.search(r">= ([\d.]+)x", str(result.get("target", "")))
    ratio = result.get("throughput_ratio")
    if result.get("met") is False and target and ratio is not None:
        result["shortfall"] = round(1 - ratio / float(target.group(1)), 2)
    if result.get("floor_share") is not None and result["floor_share"] < 0.5:
        result["floor_share_shortfall"] = round(1 - result["floor_share"] / 0.5, 2)
    login = (result.get("steps") or {}).get("login", {}).get("p95_ms")
    if login and login > 3000:
        result["login_p95_over_target"] = f"{login / 3000:.1f}x the 3 s target"
    if result.get("minutes") and result.get("met") is False:
        result["minutes_over_target"] = f"{result['minutes'] / 5:.1f}x the 5 minute goal"


def hashing_floor(results: dict[str, Any]) -> None:
    """What the password hash alone costs the load test's logins: every login verifies one
    argon2id hash, and the machine's cores share them, so the last of N simultaneous logins
    cannot finish before N x verify / cores whatever else the server does."""
    load, hashing = results.get("load"), results.get("password_hash")
    verify = (hashing or {}).get("verify_ms", {}).get(str((load or {}).get("password_hash_params")))
    logins = ((load or {}).get("steps") or {}).get("login", {}).get("count")
    if verify and logins:
        cores = os.cpu_count() or 1
        load["login_hashing_floor_ms"] = round(logins * verify / cores)
        load["login_hashing_floor"] = (
            f"{logins} logins x {verify} ms per argon2id verify / {cores} cores: the last "
            "login cannot finish earlier, with no other work")


def print_row(name: str, result: dict) -> None:
    print(f"  {name}: {summarize(name, result)}", flush=True)


def summarize(name: str, r: dict) -> str:
    from bench.cpu import describe

    if name in ("page", "draft"):
        key = "page" if name == "page" else "draft_save"
        target = r["target"].split(">= ")[1].split(" ")[0]
        return (f"{r[key]['per_second']}/s vs bare {r['baseline']['per_second']}/s = "
                f"{r['throughput_ratio']}x (target >= {target}); p95 {r[key]['p95_ms']} ms; "
                f"rounds {r.get('rounds')}; errors {r[key]['errors']}" + describe(r.get("cpu")))
    if name == "guru_ngaji":
        sample = r["sample"]
        return (f"{r['submissions']:,} submissions in ~{r['minutes']} min (goal < 5), "
                f"extrapolated from {sample['count']} at {sample['per_second']}/s, "
                f"p95 {sample['p95_ms']} ms, errors {sample['errors']}")
    if name == "peer":
        return r.get("note") or f"ratios {r.get('ratios')}"
    if name == "submit":
        return (f"{r['submit']['per_second']}/s vs baseline {r['baseline']['per_second']}/s = "
                f"{r['throughput_ratio']}x (target >= 0.3x); p95 {r['submit']['p95_ms']} ms vs "
                f"{r['baseline']['p95_ms']} ms = {r['p95_ratio']}x; errors {r['submit']['errors']}"
                + (f"; floor of {r['statements_per_submit']} round trips "
                   f"{r['round_trip_floor']['per_second']}/s = {r['floor_ratio']}x, the submit "
                   f"reaches {r.get('floor_share')} of it (target >= 0.5)"
                   if "floor_ratio" in r else "")
                + (f"; a bare handler reaches 0.5x up to ~{r['round_trips_at_target']} round "
                   f"trips" if r.get("round_trips_at_target") is not None else "")
                + describe(r.get("cpu")))
    if name == "load":
        steps = ", ".join(f"{k} {v['p95_ms']}" for k, v in r["steps"].items() if v["count"])
        return (f"{r['applicants']} applicants + {r['reviewers']} reviewers, "
                f"{r['requests']} requests in {r['seconds']} s = {r['requests_per_second']} "
                f"req/s, submitted {r['submitted']}, decided {r['decided']}, errors "
                f"{r['errors']}; p95 ms: {steps}")
    if name == "queue":
        return (f"deep/first page {r['worst_ratio']}x worst of {r['deep_over_first_ids']} over "
                f"{r['applications']:,} applications (target <= 1.2x)")
    if name == "audit":
        return (f"{r['events_per_second']:,} events/s over {r['events']:,} events "
                f"(target >= 50,000/s)" if r["events_per_second"] else "failed")
    if not r.get("available", True):
        return "not available (bench/notifications.py missing)"
    smtp = r.get("smtp") or {}
    return (f"outbox {r['outbox_per_second']}/s vs bare apply_async "
            f"{r['bare_tasks_per_second']}/s = {r['ratio']}x (target >= 0.5x, .eml files)"
            + (f"; via SMTP {smtp.get('outbox_per_second')}/s vs "
               f"{smtp.get('bare_tasks_per_second')}/s = {smtp.get('ratio')}x" if smtp else ""))


def table(results: dict[str, Any]) -> str:
    lines = [f"{'benchmark':<14} {'met':<5} figure", "-" * 100]
    for name in ALL:
        if name in results:
            met = {True: "yes", False: "NO", None: "n/a"}[results[name].get("met")]
            lines.append(f"{name:<14} {met:<5} {summarize(name, results[name])}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller N (a smoke run)")
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated: {ALL}")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--merge", action="store_true",
                        help="keep the other results already in --out (re-run some only)")
    args = parser.parse_args()
    wanted = {w.strip() for w in args.only.split(",") if w.strip()}
    sizes = SIZES["quick" if args.quick else "full"]
    started = time.time()
    report: dict[str, Any] = {"mode": "quick" if args.quick else "full", "sizes": sizes,
                              "machine": machine(), "started": time.strftime(
                                  "%Y-%m-%dT%H:%M:%SZ", time.gmtime(started))}
    print(f"SIBANTU benchmarks ({report['mode']}) on {report['machine']['cores']} cores, "
          f"{report['machine']['memory_gib']} GiB, Python {report['machine']['python']}, "
          f"PostgreSQL {report['machine']['postgresql']}", flush=True)
    results: dict[str, Any] = {}
    if wanted & set(WEB):
        results.update(web_benchmarks(sizes, wanted))
    for name, function in (("queue", queue_benchmark), ("audit", audit_benchmark),
                           ("notifications", notifications_benchmark),
                           ("peer", peer_benchmark)):
        if name in wanted:
            results[name] = function(sizes.get(name))
            print_row(name, results[name])
    if args.merge and args.out.exists():
        earlier = json.loads(args.out.read_text())
        report["rerun"] = {**earlier.get("rerun", {}),
                           **{name: report["started"] for name in results}}
        report["started"] = earlier.get("started", report["started"])
        results = {**earlier.get("results", {}), **results}
    for result in results.values():
        note_shortfall(result)
    hashing_floor(results)
    report["results"] = results
    report["seconds"] = round(time.time() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print("\n" + table(results))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
