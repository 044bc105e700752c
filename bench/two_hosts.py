"""Two web hosts vs one: API submit throughput through HAProxy (two gunicorn hosts, PgBouncer in
transaction mode; tests/cluster/harness.py) against the same requests sent to one host directly,
in one run on one machine.

    .venv/bin/python -m bench.two_hosts [--submissions 100] [--threads 8] [--write]

``--write`` stores the figures as ``results.two_hosts`` in bench/results/latest.json. On one
machine both hosts share its cores: the ratio says what the second host adds *here* (nothing
when the cores are the limit), not what a second machine would.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from bench.world import BenchDatabase, open_sanitren, submit_drafts

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def _tokens(app, owners: list[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
    from app.accounts.models import User
    from app.api.tokens import issue_token
    from app.extensions import db

    with app.app_context():
        result = []
        for email, ids in owners:
            user = db.session.scalar(sa.select(User).where(User.email == email))
            result.append((issue_token(user, "applicant")[1], ids))
        db.session.commit()
        return result


def _phase(base: str, work: list[tuple[str, list[int]]]) -> dict[str, Any]:
    errors: list[int] = []

    def run(token: str, ids: list[int]) -> None:
        session = requests.Session()
        for application_id in ids:
            response = session.post(
                f"{base}/api/v1/applications/{application_id}/submit", timeout=120,
                headers={"Authorization": f"Bearer {token}",
                         "Idempotency-Key": f"bench-{application_id}"})
            if not 200 <= response.status_code < 300:
                errors.append(response.status_code)

    threads = [threading.Thread(target=run, args=w) for w in work]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    count = sum(len(ids) for _, ids in work)
    return {"submissions": count, "seconds": round(seconds, 2),
            "per_second": round(count / seconds, 2), "errors": len(errors)}


def measure(submissions: int, threads: int) -> dict[str, Any]:
    from tests.cluster.harness import Cluster

    per_owner = -(-submissions // threads)
    with BenchDatabase() as database:
        open_sanitren(database.app)
        owners = _tokens(database.app, submit_drafts(database.app, threads, 2 * per_owner))
        with Cluster(database.name) as cluster:
            one = _phase(cluster.host_url(0), [(t, ids[:per_owner]) for t, ids in owners])
            two = _phase(cluster.url, [(t, ids[per_owner:]) for t, ids in owners])
    return {
        "what": "API submit throughput: two gunicorn hosts (each -w 2 --threads 4) behind "
                "HAProxy vs one host directly; PgBouncer (transaction mode) for both",
        "cores": os.cpu_count(), "client_threads": threads,
        "one_host": one, "two_hosts": two,
        "ratio": round(two["per_second"] / one["per_second"], 2),
        "note": "one machine: both hosts and PostgreSQL share its cores",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100, help="per phase")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--write", action="store_true", help="store in latest.json")
    args = parser.parse_args()
    result = measure(args.submissions, args.threads)
    print(json.dumps(result, indent=2))
    if args.write:
        report = json.loads(RESULTS.read_text())
        report.setdefault("results", {})["two_hosts"] = result
        RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
