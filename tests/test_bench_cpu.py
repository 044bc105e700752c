"""The benchmark's CPU accounting (bench/cpu.py): per-request milliseconds read from /proc, and
the throughput ratio those costs predict."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import cpu

pytestmark = pytest.mark.skipif(not Path("/proc/stat").exists(), reason="reads Linux's /proc")


def test_a_command_with_spaces_and_parentheses_in_its_name_is_parsed(tmp_path):
    (tmp_path / "stat").write_text(
        "4242 (gunicorn: (worker) x) S 1 4200 4200 0 -1 4194560 10 0 0 0 250 50 0 0 20 0 1\n")
    fields = cpu._stat_fields(tmp_path)
    assert fields[0] == "gunicorn: (worker) x"
    assert fields[3] == "4200"  # the process group
    assert (int(fields[12]), int(fields[13])) == (250, 50)  # utime, stime


def test_a_process_groups_cpu_counts_its_children_and_nothing_else():
    """A child in its own session burns about 0.3 s: its group is charged that (not the
    seconds this test process has used), and a group with no process nothing."""
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n" \
           "time.sleep(5)"
    child = subprocess.Popen([sys.executable, "-c", burn], start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while cpu.group_cpu_seconds(child.pid) < 0.25 and time.monotonic() < deadline:
            time.sleep(0.05)
        used = cpu.group_cpu_seconds(child.pid)
        assert 0.25 <= used < 1.0, used
        assert cpu.group_cpu_seconds(2**22 + 12345) == 0
    finally:
        child.kill()
        child.wait()


def test_per_request_figures_and_the_predicted_ratio():
    before = cpu.Snapshot(web=1.0, postgres=2.0, client=0.5, steal=(10, 1000))
    after = cpu.Snapshot(web=2.0, postgres=2.5, client=0.7, steal=(30, 2000))
    real = {"cpu_per_request": cpu.per_request(before, after, 100)}
    assert real["cpu_per_request"] == {"web_ms": 10.0, "postgres_ms": 5.0, "client_ms": 2.0,
                                       "steal_pct": 2.0}
    bare = {"cpu_per_request": {"web_ms": 2.0, "postgres_ms": 1.0, "client_ms": 1.0,
                                "steal_pct": 0.0}}
    compared = cpu.compared(real, bare)
    assert compared["cost_ratio"] == pytest.approx(4 / 17, abs=0.001)
    assert compared["server_cost_ratio"] == pytest.approx(3 / 15, abs=0.001)
    assert "web 10.0 vs 2.0" in cpu.describe(compared)
    assert cpu.compared({}, bare) is None and cpu.describe(None) == ""


def test_no_requests_divides_by_one_not_zero():
    snap = cpu.Snapshot(web=1.0, postgres=1.0, client=1.0, steal=(0, 0))
    assert cpu.per_request(snap, snap, 0) == {"web_ms": 0.0, "postgres_ms": 0.0,
                                              "client_ms": 0.0, "steal_pct": 0.0}
