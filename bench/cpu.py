"""Where a measured run's CPU went, per request: the web server's processes, PostgreSQL's and the
load client's, read from ``/proc`` (Linux) before and after the run.

A throughput ratio says *that* the real app is slower than the bare one; these figures say on
which side of the wire the difference is spent, and they move less than throughput with the
scheduling noise of a shared 2-core machine. ``steal_pct`` is the share of the machine's time
the hypervisor gave to others during the run (a high value means the run was disturbed).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PROC = Path("/proc")


def _stat_fields(pid_dir: Path) -> list[str] | None:
    try:
        text = (pid_dir / "stat").read_text()
    except OSError:  # gone between the listing and the read
        return None
    # ``pid (comm) state ppid pgrp …``: comm may hold spaces, so split after its ')'
    head, _, tail = text.rpartition(")")
    return [head.split("(", 1)[-1], *tail.split()]


def _cpu_seconds(select: Callable[[list[str]], bool]) -> float:
    """utime + stime of every live process ``select`` accepts (``_stat_fields``: comm=0,
    state=1, ppid=2, pgrp=3, …, utime=12, stime=13)."""
    ticks = 0
    for pid_dir in _PROC.iterdir():
        if not pid_dir.name.isdigit():
            continue
        fields = _stat_fields(pid_dir)
        if fields is not None and select(fields):
            ticks += int(fields[12]) + int(fields[13])
    return ticks / _TICK


def group_cpu_seconds(pgid: int) -> float:
    """A process group's CPU (a gunicorn started in its own session: master and workers)."""
    return _cpu_seconds(lambda f: f[3] == str(pgid))


def postgres_cpu_seconds() -> float:
    """Every PostgreSQL process on this machine (backends, WAL writer, checkpointer …)."""
    return _cpu_seconds(lambda f: f[0] == "postgres" or f[0].startswith("postgres:"))


def _steal() -> tuple[int, int]:
    """(steal, total) jiffies of the whole machine from ``/proc/stat``'s ``cpu`` line."""
    try:
        values = [int(v) for v in (_PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return (values[7] if len(values) > 7 else 0), sum(values[:8])


@dataclass
class Snapshot:
    web: float
    postgres: float
    client: float
    steal: tuple[int, int]


def snapshot(server_pgid: int) -> Snapshot:
    return Snapshot(group_cpu_seconds(server_pgid), postgres_cpu_seconds(), time.process_time(),
                    _steal())


def per_request(before: Snapshot, after: Snapshot, requests: int) -> dict[str, float]:
    """CPU milliseconds per request on each side, and the steal share of the run."""
    count = max(requests, 1)
    steal = after.steal[0] - before.steal[0]
    total = after.steal[1] - before.steal[1]
    return {
        "web_ms": round((after.web - before.web) * 1000 / count, 2),
        "postgres_ms": round((after.postgres - before.postgres) * 1000 / count, 2),
        "client_ms": round((after.client - before.client) * 1000 / count, 2),
        "steal_pct": round(100 * steal / total, 1) if total else 0.0,
    }


class Meter:
    """Around the timed part of one run (not its logins): ``with meter: …`` then
    ``meter.add_to(result)`` adds ``cpu_per_request``. Off Linux it adds nothing."""

    def __init__(self, server) -> None:
        """``server``: the ``bench.server.Gunicorn`` the run talks to."""
        self.pgid = server.process.pid if server.process is not None else None
        self.before: Snapshot | None = None
        self.after: Snapshot | None = None

    def __enter__(self) -> Meter:
        if self.pgid is not None and (_PROC / "stat").exists():
            self.before = snapshot(self.pgid)
        return self

    def __exit__(self, *exc) -> None:
        if self.before is not None:
            self.after = snapshot(self.pgid)

    def add_to(self, result: dict) -> dict:
        if self.before is not None and self.after is not None:
            result["cpu_per_request"] = per_request(self.before, self.after,
                                                    result.get("count", 0))
        return result


def compared(real: dict, bare: dict) -> dict | None:
    """The CPU side by side for a ratio: each side's milliseconds per request, and two
    predictions of the throughput ratio from those costs alone.

    * ``cost_ratio``: the bare request's CPU over the real one's, web + PostgreSQL + client. The
      bench's client shares the machine, so when both runs keep every core busy the measured
      throughput ratio is close to this; well under it means waiting (locks, round trips), not
      work.
    * ``server_cost_ratio``: the same without the client (what a client on another machine
      would see from servers that are CPU-bound).
    """
    mine, theirs = real.get("cpu_per_request"), bare.get("cpu_per_request")
    if not mine or not theirs:
        return None

    def cost(side: dict, *, client: bool) -> float:
        return side["web_ms"] + side["postgres_ms"] + (side["client_ms"] if client else 0.0)

    def ratio(client: bool) -> float | None:
        real_cost = cost(mine, client=client)
        return round(cost(theirs, client=client) / real_cost, 3) if real_cost else None

    return {"real": mine, "baseline": theirs, "cost_ratio": ratio(True),
            "server_cost_ratio": ratio(False)}


def describe(cpu: dict | None) -> str:
    """One line for the bench's table."""
    if not cpu:
        return ""
    real, bare = cpu["real"], cpu["baseline"]
    return (f"; CPU ms/request web {real['web_ms']} vs {bare['web_ms']}, PostgreSQL "
            f"{real['postgres_ms']} vs {bare['postgres_ms']}, client {real['client_ms']} vs "
            f"{bare['client_ms']} (cost ratio {cpu['cost_ratio']}, servers alone "
            f"{cpu['server_cost_ratio']}; steal {real['steal_pct']}%)")
