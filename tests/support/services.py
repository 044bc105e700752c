"""Which real services this run can use.

With REQUIRE_SERVICES=1 a missing service fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import socket
from functools import cache

import pytest

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("TEST_PG_USER", "postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

SKIPPED: dict[str, str] = {}


def required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


@cache
def postgres_available() -> bool:
    if os.environ.get("TEST_NO_POSTGRES") == "1":
        return False
    try:
        import psycopg

        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=2
        ):
            return True
    except Exception:
        return False


@cache
def redis_available() -> bool:
    if os.environ.get("TEST_NO_REDIS") == "1":
        return False
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


@cache
def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def need(service: str, available: bool) -> None:
    """Skip (or fail under REQUIRE_SERVICES=1) when a service-backed test cannot run."""
    if available:
        return
    message = f"{service} is not reachable"
    if required():
        pytest.fail(f"{message} and REQUIRE_SERVICES=1", pytrace=False)
    SKIPPED[service] = message
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
