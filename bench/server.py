"""gunicorn on loopback for the benchmarks: start, wait until it answers, stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

WORKERS = 2
THREADS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``gunicorn -w 2 --threads 4 -b 127.0.0.1:<port> <target>`` with the given environment."""

    def __init__(self, target: str, env: dict[str, str], log_dir: Path,
                 probe: str = "/healthz", *, python: str = sys.executable,
                 cwd: str | None = None) -> None:
        """``python`` and ``cwd``: another application's interpreter and directory (the peer)."""
        self.target, self.env, self.probe = target, env, probe
        self.python, self.cwd = python, cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"gunicorn-{target.replace(':', '-')}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        command = [self.python, "-m", "gunicorn", "-w", str(WORKERS), "--threads",
                   str(THREADS), "-b", f"127.0.0.1:{self.port}", "--timeout", "120",
                   "--log-level", "warning", self.target]
        handle = self.log.open("w")
        self.process = subprocess.Popen(command, env={**os.environ, **self.env}, stdout=handle,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        cwd=self.cwd)
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.target} exited; see {self.log}")
            try:
                if requests.get(self.url + self.probe, timeout=10).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.target} did not answer; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
