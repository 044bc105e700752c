"""Fixtures of the notification tests: real SMTP, a private Redis, a real Celery worker."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from tests.notifications.stack import (
    Mailbox,
    RedisServer,
    SMTPServer,
    Worker,
    redis_server_available,
    worker_env,
)
from tests.support import services


@pytest.fixture
def smtp_server():
    with SMTPServer() as server:
        yield server


@pytest.fixture
def redis_server(tmp_path):
    services.need("redis-server", redis_server_available())
    with RedisServer(tmp_path) as server:
        yield server


@dataclass
class Stack:
    app: Flask
    worker: Worker
    mailbox: Mailbox
    redis: RedisServer


@pytest.fixture
def stack(pg_committing_app, smtp_server, redis_server, tmp_path):
    """A committed PostgreSQL database, an SMTP server, Redis, and a worker (not yet started)."""
    env = worker_env(
        database_url=pg_committing_app.config["SQLALCHEMY_DATABASE_URI"],
        redis_url=redis_server.url, smtp_port=smtp_server.port,
    )
    worker = Worker(env, tmp_path)
    try:
        yield Stack(pg_committing_app, worker, smtp_server.mailbox, redis_server)
    finally:
        worker.stop()


@pytest.fixture
def mail_outbox(app):
    """The ``memory`` mail backend's list, emptied for this test."""
    from app.notifications.channels import MAIL_OUTBOX

    outbox = app.extensions.setdefault(MAIL_OUTBOX, [])
    outbox.clear()
    yield outbox
    outbox.clear()


@pytest.fixture
def config(app):
    """Change app settings for one test (restored afterwards)."""
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)
