"""Real services for the notification tests and the benchmark: an SMTP server (aiosmtpd, in a
thread), a private redis-server process, and Celery worker processes (``celery -A worker``).

Nothing here touches the machine's Redis on 6379: every test gets its own redis-server.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.conftest import TEST_KEYS
from tests.support.services import free_port

ROOT = Path(__file__).resolve().parents[2]

#: settings that make retries, requeues and leases take seconds instead of minutes
FAST_SETTINGS = {
    "NOTIFY_RELAY_INTERVAL_SECONDS": "0.5",
    "NOTIFY_REQUEUE_INTERVAL_SECONDS": "1",
    "NOTIFY_REQUEUE_AFTER_SECONDS": "5",
    "NOTIFY_SEND_LEASE_SECONDS": "10",
    "NOTIFY_TASK_TIME_LIMIT": "8",
    "NOTIFY_TASK_SOFT_TIME_LIMIT": "6",
    "NOTIFY_SMTP_TIMEOUT": "5",
    "NOTIFY_RETRY_BASE_SECONDS": "0.2",
    "NOTIFY_RETRY_MAX_SECONDS": "1",
    "NOTIFY_MAX_ATTEMPTS": "3",
    "NOTIFY_REMINDER_INTERVAL_SECONDS": "3600",
    # a restarted worker's embedded beat (-B) takes the beat lock over from the killed one
    "NOTIFY_BEAT_LOCK_TIMEOUT": "3",
}


def wait_for(predicate: Callable[[], Any], *, timeout: float = 120, interval: float = 0.2,
             what: str = "condition") -> Any:
    """Poll until ``predicate()`` is truthy; generous timeouts for a loaded 2-core machine."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# --- SMTP ---------------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd handler that records accepted messages and can misbehave on request."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.peers: list[tuple[str, int]] = []  # the connection each accepted message came on
        self.lock = threading.Lock()
        self.refused: set[str] = set()  # addresses answered with 451 (always fails, retryable)
        self.rejected: set[str] = set()  # addresses answered with 550 (permanent refusal)
        self.hold_next = threading.Event()  # hold the next DATA without answering
        self.holding = threading.Event()  # set while a DATA is held
        self.release = threading.Event()  # ends the hold with a 451 (never accepted)
        self.delay = 0.0  # seconds before answering each DATA (a slow server builds a backlog)
        # drop the connection once, after accepting this many messages on it, at the next MAIL
        # FROM (as a server closing an idle or long-lived connection between two messages)
        self.drop_after: int | None = None
        # close the connection in the middle of DATA for these recipients (nothing accepted)
        self.drop_in_data: set[str] = set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if getattr(session, "drop_next_mail", False):
            session.drop_next_mail = False
            server.transport.close()
            return "421 4.4.2 Closing connection"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "451 4.3.0 Mailbox temporarily unavailable"
        if address in self.rejected:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold_next.is_set():
            self.hold_next.clear()
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Transaction aborted"
        if self.drop_in_data.intersection(envelope.rcpt_tos):
            server.transport.close()
            return "451 4.3.0 Connection lost"
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(message)
            self.peers.append(session.peer)
            accepted_here = self.peers.count(session.peer)
        if self.drop_after is not None and accepted_here == self.drop_after:
            self.drop_after = None
            session.drop_next_mail = True
        return "250 Message accepted for delivery"

    def connections(self) -> int:
        """How many connections the accepted messages came on."""
        with self.lock:
            return len(set(self.peers))

    def events(self) -> Counter[str]:
        with self.lock:
            return Counter(m["X-SIBANTU-Event"] for m in self.messages)

    def count(self, event_key: str) -> int:
        return self.events()[event_key]

    def find(self, event_key: str) -> email.message.Message | None:
        with self.lock:
            return next((m for m in self.messages if m["X-SIBANTU-Event"] == event_key), None)


class SMTPServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.mailbox.release.set()
        self.controller.stop()


# --- Redis --------------------------------------------------------------------------------


class RedisServer:
    """A throw-away redis-server without persistence: a restart loses every queued message."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        wait_for(self.ping, timeout=30, interval=0.1, what="redis-server to start")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def redis_server_available() -> bool:
    return shutil.which("redis-server") is not None


# --- Celery worker --------------------------------------------------------------------------


def worker_env(*, database_url: str, redis_url: str, smtp_port: int,
               extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFY_", "MAIL_"))}
    env.update(TEST_KEYS)
    env.update(FAST_SETTINGS)
    env.update({
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "PUBLIC_BASE_URL": "http://sibantu.test",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra or {})
    return env


class Worker:
    """``celery -A worker worker -B`` in its own process group (so a SIGKILL takes all of it)."""

    def __init__(self, env: dict[str, str], directory: Path, *, concurrency: int = 2,
                 beat: bool = True) -> None:
        self.env = env
        self.directory = directory
        self.concurrency = concurrency
        self.beat = beat
        self.process: subprocess.Popen | None = None
        self.runs = 0

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "celery", "-A", "worker", "worker",
                   "-Q", "notifications,sweeps", "--concurrency", str(self.concurrency),
                   "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                   "-n", f"test{os.getpid()}-{self.runs}@%h"]
        if self.beat:
            command += ["-B", "-s", str(self.directory / "beat-schedule")]
        return command

    def start(self) -> None:
        self.runs += 1
        log = open(self.directory / f"worker-{self.runs}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        """SIGKILL the whole process group: main process, pool children and embedded beat."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Warm shutdown; then SIGKILL whatever of the group is left."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def ready(self) -> bool:
        return "ready." in (self.directory / f"worker-{self.runs}.log").read_text(errors="replace")

    def log(self) -> str:
        parts = sorted(self.directory.glob("worker-*.log"))
        return "\n".join(p.read_text(errors="replace")[-4000:] for p in parts)
