"""``python -m bench.peer``: see bench/peer/__init__.py."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.peer import (
    PAIRS,
    REPOSITORY,
    install,
    locate,
    peer_env,
    unavailable,
)

RESULTS = Path(__file__).resolve().parent.parent / "results" / "latest.json"
ROUNDS = 3


def run(peer_dir: str | None = None, env_file: str | None = None,
        per_thread: int = 50) -> dict[str, Any]:
    clone = locate(peer_dir)
    if clone is None:
        return unavailable("clone", f"no clone found; run `git clone {REPOSITORY} "
                           "bench/peer/funding-service` (or pass --peer-dir); this machine "
                           "may have no internet beyond package registries")
    python, problem = install(clone)
    if python is None:
        return unavailable("install", problem)
    from bench.audit_verify import create_database, drop_database

    name = f"sibantu_bench_peer_{os.getpid()}"
    url = create_database(name)
    try:
        return _compare(clone, python, peer_env(clone, url, env_file), per_thread)
    finally:
        drop_database(name)


def _compare(clone: Path, python: Path, env: dict[str, str], per_thread: int) -> dict[str, Any]:
    from bench.pages import THREADS, run_gets
    from bench.server import Gunicorn
    from bench.world import BenchDatabase

    migrated = subprocess.run([str(python), "-m", "flask", "db", "upgrade"], cwd=clone,
                              env={**os.environ, **env}, capture_output=True, text=True)
    if migrated.returncode:
        return unavailable("migrate", (migrated.stdout + migrated.stderr).strip()[-400:])
    serving = {**env, "PATH": f"{python.parent}:{os.environ.get('PATH', '')}"}
    rounds: dict[str, list[float]] = {pair[0]: [] for pair in PAIRS}
    with BenchDatabase() as database, \
            Gunicorn("bench.wsgi:app", database.server_env(), database.directory) as ours:
        try:
            peer = Gunicorn("app:create_app()", serving, database.directory,
                            probe=PAIRS[0][2], python=str(python), cwd=str(clone))
            peer.__enter__()
        except RuntimeError as exc:
            return unavailable("serve", str(exc))
        try:
            deadline = time.monotonic() + 900
            for _ in range(ROUNDS):
                for pair, ours_path, peer_path in PAIRS:
                    mine = run_gets(ours.url + ours_path, pair, THREADS, per_thread, deadline,
                                    cookie_free=False)
                    theirs = run_gets(peer.url + peer_path, pair, THREADS, per_thread,
                                      deadline, cookie_free=False)
                    if theirs["per_second"] and not theirs["errors"]:
                        rounds[pair].append(mine["per_second"] / theirs["per_second"])
        finally:
            peer.__exit__()
    ratios = {pair: round(statistics.median(values), 2) if values else None
              for pair, values in rounds.items()}
    return {"available": True, "repository": REPOSITORY, "pairs": [list(p) for p in PAIRS],
            "ratios": ratios, "rounds": rounds, "met": None,
            "note": "SIBANTU / peer requests per second, median of alternating rounds"}


def main() -> None:
    parser = argparse.ArgumentParser(description="SIBANTU vs MHCLG funding-service")
    parser.add_argument("--peer-dir")
    parser.add_argument("--env-file", help="extra settings for the peer (KEY=value lines)")
    parser.add_argument("--requests", type=int, default=400, help="per side and round")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = run(args.peer_dir, args.env_file, max(1, args.requests // 8))
    report = json.loads(args.out.read_text()) if args.out.exists() else {"results": {}}
    report.setdefault("results", {})["peer"] = result
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
