"""Where the web workers' CPU goes, per request, in the real gunicorn (a diagnosis, not a figure).

    .venv/bin/python -m bench.profile_server [--what draft|submit] [--seconds 15] [--raw out]

``bench.profile_submit`` profiles one thread in-process, with wall time: round trips count and
the GIL is never contended. Here the bench's world is served by gunicorn with the benchmarks'
settings (2 workers × 4 threads) while eight client threads save drafts (or submit them), and
py-spy samples the workers with ``--gil``: only the thread holding the GIL is sampled, so the
samples are the Python CPU the requests cost, under the same contention as ``make bench``. The
report gives, per request, the whole (``gil_ms``) and each part of the request as ``PARTS`` names
it, then the heaviest functions of the app. py-spy needs ptrace (root, or
``kernel.yama.ptrace_scope=0``); without it the script says so and exits 2.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

#: py-spy's sampling rate (per second); the report divides by it
RATE = 250
#: the parts of a request, each named by a frame that encloses it (first match wins per sample)
PARTS = (
    ("session user (Flask-Login loader)", "load_session_user"),
    ("view: application read", "application_or_404"),
    ("view: form", "_program_form"),
    ("view: eligibility, duplicates, facts", "_facts"),
    ("view: parties", "Parties.of"),
    ("view: audit event", "record"),
    ("view: decision, task, stage move", "fire"),
    ("view: save", "update_answers"),
    ("view: commit", "Session.commit"),
    ("view: other", "Flask.dispatch_request"),
    ("Flask and extensions around the view", "Flask.full_dispatch_request"),
    ("WSGI, cookie session, response", "Flask.wsgi_app"),
    ("gunicorn", "ThreadWorker.handle"),
)
_FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def frame_name(frame: str) -> tuple[str, str]:
    """``function (path:line)`` → (function, short path: site-packages and checkout cut off)."""
    found = _FRAME.match(frame)
    if not found:
        return frame, ""
    path = found.group("file")
    if "site-packages/" in path:
        return found.group("name"), "lib:" + path.split("site-packages/")[-1]
    return found.group("name"), re.sub(r"^.*?/(app|forms|workflows|bench)/", r"\1/", path)


def analyse(lines: list[str], requests: int, rate: int = RATE, top: int = 25) -> dict:
    """Per-request milliseconds from py-spy's raw (collapsed) output."""
    parts: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = [frame_name(f) for f in stack.split(";")]
        total += samples
        names = [name for name, _ in frames]
        part = next((label for label, marker in PARTS if marker in names), "idle loop, master")
        parts[part] += samples
        for name, path in set(frames):
            if path.startswith(("app/", "forms/", "workflows/")):
                own[f"{name} ({path})"] += samples
    per = 1000 / rate / max(1, requests)
    return {
        "requests": requests,
        "gil_ms": round(total * per, 2),
        "parts_ms": {label: round(parts[label] * per, 2)
                     for label, _ in (*PARTS, ("idle loop, master", None)) if parts[label]},
        "app_functions_ms": {name: round(n * per, 2) for name, n in own.most_common(top)},
    }


def _signed_in(base: str, owners: list) -> list[tuple]:
    from bench.client import log_in, token_of
    from bench.world import PASSWORD

    sessions = [(log_in(base, email, PASSWORD), ids) for email, ids in owners]
    return [(session, token_of(session, base), ids) for session, ids in sessions]


def _drive(base: str, clients: list[tuple], what: str, seconds: float) -> int:
    """Each client thread saves (or submits) its drafts until ``seconds`` are up; the count."""
    from bench.client import TIMEOUT
    from bench.load import ANSWERS

    stop = time.monotonic() + seconds
    done = [0]
    lock = threading.Lock()

    def job(session, token, ids):
        for n in range(10**9):
            if time.monotonic() > stop or (what == "submit" and n >= len(ids)):
                return
            application_id = ids[n % len(ids)]
            path = "isian" if what == "draft" else "kirim"
            data = {"csrf_token": token, **(ANSWERS if what == "draft" else {})}
            response = session.post(f"{base}/portal/permohonan/{application_id}/{path}",
                                    data=data, allow_redirects=False, timeout=TIMEOUT)
            if response.status_code != 302:
                raise RuntimeError(f"{what}: HTTP {response.status_code}")
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=job, args=client) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0]


def profile(what: str, seconds: float, raw: Path | None = None) -> dict:
    from bench.server import Gunicorn
    from bench.world import BenchDatabase, open_sanitren, submit_drafts

    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return {"available": False, "note": "py-spy is not installed (pip install py-spy)"}
    raw = raw or Path(tempfile.mkdtemp(prefix="sibantu-spy-")) / f"{what}.raw"
    with BenchDatabase() as database:
        open_sanitren(database.app)
        # submits use each draft once: enough of them for the whole run
        owners = submit_drafts(database.app, 8, 10 if what == "draft" else int(seconds * 12))
        with Gunicorn("bench.wsgi:app", database.server_env(), database.directory) as server:
            clients = _signed_in(server.url, owners)  # logins and a warm-up before sampling
            _drive(server.url, [(s, t, ids[:1]) for s, t, ids in clients], what, 1)
            sampler = subprocess.Popen(
                [spy, "record", "--pid", str(server.process.pid), "--subprocesses", "--gil",
                 "--rate", str(RATE), "--format", "raw", "--duration", str(int(seconds) + 1),
                 "-o", str(raw)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(0.5)
            done = _drive(server.url, [(s, t, ids[1:]) for s, t, ids in clients], what,
                          seconds)
            output, _ = sampler.communicate(timeout=seconds + 60)
    if sampler.returncode != 0 or not raw.exists():
        return {"available": False, "note": f"py-spy failed: {output.strip()[-300:]}"}
    result = analyse(raw.read_text().splitlines(), done)
    return {"available": True, "what": what, "raw": str(raw), **result}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--what", choices=("draft", "submit"), default="draft")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--raw", type=Path)
    args = parser.parse_args()
    result = profile(args.what, args.seconds, args.raw)
    if not result["available"]:
        print(result["note"], file=sys.stderr)
        raise SystemExit(2)
    print(f"{args.what}: {result['requests']} requests, {result['gil_ms']} ms of Python CPU "
          "(GIL held) per request in the web workers")
    for label, ms in result["parts_ms"].items():
        print(f"  {ms:6.2f} ms  {label}")
    print("heaviest app functions (inclusive, ms per request):")
    for name, ms in result["app_functions_ms"].items():
        print(f"  {ms:6.2f} ms  {name}")
    print(json.dumps({k: v for k, v in result.items() if k != "app_functions_ms"}))


if __name__ == "__main__":
    main()
