"""A small threaded HTTP client for the benchmarks: logged-in sessions, CSRF tokens, latencies.

Loopback only: every URL it is given comes from a gunicorn it started on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import re
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import requests

TIMEOUT = 60
_INPUT = re.compile(r"<input\b[^>]*>", re.S)


def input_value(html: str, name: str) -> str | None:
    """The value of ``<input name=…>`` whatever the order of its attributes."""
    for tag in _INPUT.findall(html):
        if f'name="{name}"' in tag:
            match = re.search(r'value="([^"]*)"', tag)
            return match.group(1) if match else None
    return None


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@dataclass
class Recorder:
    """Latencies (seconds) per step and the unexpected answers, from many threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, step: str, call, expect: tuple[int, ...] = (200, 302)):
        started = time.perf_counter()
        try:
            response = call()
        except requests.RequestException as exc:
            self.fail(f"{step}: {type(exc).__name__}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies[step].append(elapsed)
        if response.status_code not in expect:
            self.fail(f"{step}: HTTP {response.status_code}")
            return None
        return response

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    def summary(self, step: str) -> dict[str, float]:
        values = self.latencies.get(step, [])
        return {"count": len(values),
                "p50_ms": round(statistics.median(values) * 1000, 1) if values else 0.0,
                "p95_ms": round(percentile(values, 0.95) * 1000, 1)}


def browser() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = "sibantu-bench"
    return session


def log_in(base: str, email: str, password: str, recorder: Recorder | None = None,
           ) -> requests.Session | None:
    session = browser()
    page = session.get(f"{base}/masuk", timeout=TIMEOUT)
    data = {"csrf_token": input_value(page.text, "csrf_token"), "email": email,
            "password": password}

    def post():
        return session.post(f"{base}/masuk", data=data, allow_redirects=False, timeout=TIMEOUT)

    response = recorder.timed("login", post, expect=(302,)) if recorder else post()
    if response is None or response.status_code != 302:
        return None
    return session


def token_of(session: requests.Session, base: str) -> str:
    return input_value(session.get(f"{base}/", timeout=TIMEOUT).text, "csrf_token") or ""


def run_threads(targets: list, deadline: float) -> None:
    """Start one thread per callable, wait for all (each checks ``deadline`` itself)."""
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.1, deadline - time.monotonic() + 30))


def timed_run(recorder: Recorder, step: str, targets: list, deadline: float,
              meter=None) -> dict:
    """Run the threads and return their outcome; ``meter`` (a ``bench.cpu.Meter``) is taken
    around the threads only, so the logins before them are not counted."""
    with meter or contextlib.nullcontext():
        started = time.perf_counter()
        run_threads(targets, deadline)
        seconds = time.perf_counter() - started
    result = outcome(recorder, step, seconds)
    return meter.add_to(result) if meter is not None else result


def outcome(recorder: Recorder, step: str, seconds: float) -> dict:
    """A timed run's figures: latencies, errors and requests per second."""
    summary = recorder.summary(step)
    return {**summary, "seconds": round(seconds, 2), "errors": len(recorder.errors),
            "error_samples": recorder.errors[:5],
            "per_second": round(summary["count"] / seconds, 1) if seconds else 0.0}
