"""Several hosts, one deployment, on loopback: PgBouncer (transaction mode) in front of the
machine's PostgreSQL, a private redis-server, web hosts (gunicorn, each with its own working
directory and instance folder) behind HAProxy (round robin), Celery workers and beats.

Every process is started here and killed here; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.conftest import TEST_KEYS
from tests.notifications.stack import ROOT, wait_for
from tests.support.services import PG_HOST, PG_PORT, PG_USER, free_port

TOOLS = ("haproxy", "pgbouncer", "redis-server")


def tools_available() -> bool:
    return all(shutil.which(tool) or Path("/usr/sbin", tool).exists() for tool in TOOLS)


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


class Process:
    """A child process in its own session (a kill takes its children too), logging to a file."""

    def __init__(self, name: str, command: list[str], *, cwd: Path, env: dict[str, str],
                 log_dir: Path) -> None:
        self.name, self.command, self.cwd, self.env = name, command, cwd, env
        self.log = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Process:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=handle,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the process group: no clean shutdown of anything in it."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        self.kill()

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Cluster:
    """Start with ``with Cluster(database) as cluster``; ``cluster.url`` is the balancer."""

    def __init__(self, database: str, *, web_hosts: int = 2, extra_env: dict | None = None):
        self.database = database
        # world-readable: PgBouncer refuses to run as root and drops to ``nobody``
        self.directory = Path(tempfile.mkdtemp(prefix="sibantu-cluster-"))
        self.directory.chmod(0o755)
        self.redis_port, self.bouncer_port, self.balancer_port = (free_port() for _ in "abc")
        self.web_ports = [free_port() for _ in range(web_hosts)]
        self.url = f"http://127.0.0.1:{self.balancer_port}"
        self.extra_env = extra_env or {}
        self.processes: list[Process] = []
        self.web: list[Process] = []

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def database_url(self) -> str:
        """Through PgBouncer, as every process of the deployment connects."""
        return f"postgresql://{PG_USER}@127.0.0.1:{self.bouncer_port}/{self.database}"

    def host_url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.web_ports[n]}"

    def env(self, host: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("NOTIFY_", "MAIL_", "DATABASE_", "REDIS_"))}
        env.update(TEST_KEYS)  # the secret keys come from the environment, the same everywhere
        env.update({
            "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
            "SIBANTU_INSTANCE_DIR": str(host / "instance"),
            "DATABASE_URL": self.database_url, "DATABASE_POOLER": "transaction",
            "REDIS_URL": self.redis_url, "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(host / "mail"), "UPLOAD_DIR": str(host / "uploads"),
            "DOCUMENT_STORAGE": "db",
        })
        env.update(self.extra_env)
        return env

    def host_dir(self, name: str) -> Path:
        path = self.directory / name
        (path / "instance").mkdir(parents=True, exist_ok=True)
        return path

    def _run(self, name: str, command: list[str], cwd: Path | None = None,
             env: dict[str, str] | None = None) -> Process:
        process = Process(name, command, cwd=cwd or self.directory, env=env or dict(os.environ),
                          log_dir=self.directory).start()
        self.processes.append(process)
        return process

    # --- the shared services -------------------------------------------------------------

    def start_redis(self) -> None:
        self._run("redis", [_tool("redis-server"), "--port", str(self.redis_port), "--bind",
                            "127.0.0.1", "--save", "", "--appendonly", "no"])

    def start_pgbouncer(self) -> None:
        ini = self.directory / "pgbouncer.ini"
        ini.write_text(f"""[databases]
* = host={PG_HOST} port={PG_PORT} user={PG_USER}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.bouncer_port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options
""")
        ini.chmod(0o644)
        command = [_tool("pgbouncer"), str(ini)]
        if os.geteuid() == 0:
            command[1:1] = ["-u", "nobody"]
        self._run("pgbouncer", command)

    def start_balancer(self) -> None:
        servers = "\n".join(
            f"    server host{n} 127.0.0.1:{port} check inter 1s fall 2 rise 1"
            for n, port in enumerate(self.web_ports))
        cfg = self.directory / "haproxy.cfg"
        cfg.write_text(f"""global
    maxconn 4000

defaults
    mode http
    timeout connect 2s
    # a busy host answers its health check slowly; a dead one refuses at once
    timeout check 5s
    timeout client 120s
    timeout server 120s
    # a connection refused (a dead host) is tried on the other host; a request already sent is
    # never replayed (a POST could run twice)
    retries 3
    option redispatch 1
    retry-on conn-failure

frontend web
    bind 127.0.0.1:{self.balancer_port}
    default_backend hosts

backend hosts
    balance roundrobin
    option httpchk GET /healthz
    http-response set-header X-Sibantu-Host %[srv_name]
{servers}
""")
        self._run("haproxy", [_tool("haproxy"), "-db", "-f", str(cfg)])

    # --- the deployment's own processes --------------------------------------------------

    def start_web(self, n: int) -> Process:
        host = self.host_dir(f"web{n}")
        command = [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4",
                   "-b", f"127.0.0.1:{self.web_ports[n]}", "--timeout", "120",
                   "--log-level", "warning", "app:create_app()"]
        process = self._run(f"web{n}", command, cwd=host, env=self.env(host))
        if n < len(self.web):
            self.web[n] = process
        else:
            self.web.append(process)
        return process

    def start_worker(self, n: int) -> Process:
        host = self.host_dir(f"worker{n}")
        command = [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q",
                   "notifications,sweeps", "--concurrency", "2", "--loglevel", "INFO",
                   "--without-gossip", "--without-mingle", "-n", f"cluster{n}@%h"]
        return self._run(f"worker{n}", command, cwd=host, env=self.env(host))

    def start_beat(self, n: int) -> Process:
        host = self.host_dir(f"beat{n}")
        command = [sys.executable, "-m", "celery", "-A", "worker", "beat", "--loglevel", "INFO",
                   "-s", str(host / "schedule")]
        return self._run(f"beat{n}", command, cwd=host, env=self.env(host))

    def wait_web(self, n: int) -> None:
        def up() -> bool:
            assert self.web[n].alive(), self.web[n].text()[-3000:]
            with contextlib.suppress(requests.RequestException):
                return requests.get(self.host_url(n) + "/healthz", timeout=5).status_code == 200
            return False

        wait_for(up, timeout=120, what=f"web host {n}")

    def __enter__(self) -> Cluster:
        try:
            self.start_redis()
            self.start_pgbouncer()
            if self.web_ports:
                self.start_web_hosts()
        except BaseException:
            self.__exit__()
            raise
        return self

    def start_web_hosts(self) -> None:
        for n in range(len(self.web_ports)):
            self.start_web(n)
        self.start_balancer()
        for n in range(len(self.web_ports)):
            self.wait_web(n)
        wait_for(self._balanced, timeout=60, what="the balancer to see every host")

    def _balanced(self) -> bool:
        seen = set()
        with contextlib.suppress(requests.RequestException):
            for _ in range(2 * len(self.web_ports)):
                seen.add(requests.get(self.url + "/healthz", timeout=5)
                         .headers.get("X-Sibantu-Host"))
        return len(seen) == len(self.web_ports)

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):
            process.stop()
        if not os.environ.get("SIBANTU_KEEP_CLUSTER"):
            shutil.rmtree(self.directory, ignore_errors=True)
        time.sleep(0.1)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.text()[-2000:]}" for p in self.processes)
