"""Shared fixtures.

The schema is built by running the Alembic migrations (never ``create_all``) into a template
database once per run. Most tests run inside a transaction that is rolled back; tests that need
real commits (threads, worker processes, a browser) get a fresh clone of the template.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient

from tests.support import databases, services

TEST_KEYS = {
    "SECRET_KEY": "test-secret-key-not-for-production",
    "PII_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"e" * 32).decode(),
    "PII_INDEX_KEY": base64.urlsafe_b64encode(b"i" * 32).decode(),
}
TEMPLATE_DB = f"sibantu_tpl_{databases.RUN}"
MAIN_DB = f"sibantu_main_{databases.RUN}"


def make_config(database_url: str, **extra) -> dict:
    redis_url = services.REDIS_URL if services.redis_available() else None
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": f"sibantu-test-{databases.RUN}",
        "MAIL_BACKEND": "memory",
        "SERVER_NAME_FOR_LINKS": "http://localhost",
        **TEST_KEYS,
    }
    config.update(extra)
    return config


def migrate(database_url: str) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(make_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def backend() -> str:
    return "postgresql" if services.postgres_available() else "sqlite"


@pytest.fixture(scope="session")
def template_url(backend) -> Iterator[str]:
    if backend == "postgresql":
        url = databases.create_pg_database(TEMPLATE_DB)
        migrate(url)
        yield url
        databases.drop_pg_database(TEMPLATE_DB)
    else:
        url = databases.sqlite_url()
        migrate(url)
        yield url
        os.unlink(url.removeprefix("sqlite:///"))


@pytest.fixture(scope="session")
def database_url(backend, template_url) -> Iterator[str]:
    if backend == "postgresql":
        url = databases.create_pg_database(MAIN_DB, template=TEMPLATE_DB)
        yield url
        databases.drop_pg_database(MAIN_DB)
    else:
        yield template_url


class IsolatedClient(FlaskClient):
    """Runs every request in its own app context, as a real server does.

    Without this, a request made while the test holds an app context would share the test's
    ``g`` (cached CSRF token, cached current user) and database session.
    """

    def open(self, *args, **kwargs):
        # a streamed body (document downloads) is read while the request's context is alive
        kwargs.setdefault("buffered", True)
        outer = _cv_app.get(None)
        if outer is not None:
            outer.pop()
        try:
            return super().open(*args, **kwargs)
        finally:
            if outer is not None:
                outer.push()


@pytest.fixture(scope="session")
def app(database_url):
    from app import create_app

    application = create_app(make_config(database_url))
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture(autouse=True)
def _reset_rate_limits(request):
    """Fresh rate-limit counters for each test, touching only this run's keys in Redis
    (other test runs may share the server; ``limiter.reset()`` would wipe theirs too)."""
    if "app" in request.fixturenames or "db_session" in request.fixturenames:
        app = request.getfixturevalue("app")
        storage = app.config["RATELIMIT_STORAGE_URI"]
        if storage.startswith("redis://"):
            import redis

            client = redis.Redis.from_url(storage)
            prefix = app.config["RATELIMIT_KEY_PREFIX"]
            for key in client.scan_iter(f"LIMITS:LIMITER/{prefix}/*"):
                client.delete(key)
            from limits.storage import MemoryStorage

            from app.extensions import limiter

            # the one limiter is re-initialised by every app a test creates (some in memory),
            # and counts in memory while Redis answers too slowly: clear those counters too
            for storage in (getattr(limiter, "_storage", None),
                            getattr(limiter, "_fallback_storage", None)):
                if isinstance(storage, MemoryStorage):
                    storage.reset()
        else:
            from app.extensions import limiter

            with app.app_context():
                limiter.reset()
    yield


@pytest.fixture
def db_session(app):
    """A session whose every commit is a savepoint inside one transaction rolled back at the end."""
    from app.extensions import db

    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        original = db.session
        db.session = db._make_scoped_session(
            {"join_transaction_mode": "create_savepoint", "expire_on_commit": False}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            engines[None] = engine
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@contextmanager
def committing_app_context(template_url: str, backend: str, **extra):
    """A fresh database cloned from the migrated template; changes really commit."""
    from app import create_app
    from app.extensions import db

    if backend == "postgresql":
        name = databases.clone_name()
        url = databases.create_pg_database(name, template=TEMPLATE_DB)
    else:
        import shutil

        path = databases.sqlite_url().removeprefix("sqlite:///")
        shutil.copyfile(template_url.removeprefix("sqlite:///"), path)
        url = f"sqlite:///{path}"
    app = create_app(make_config(url, **extra))
    app.test_client_class = IsolatedClient
    try:
        yield app
    finally:
        from app.extensions import limiter

        limiter.enabled = True  # one limiter serves every app: one that disabled it hands it back
        with app.app_context():
            db.engine.dispose()
        if backend == "postgresql":
            databases.drop_pg_database(name)
        else:
            os.unlink(url.removeprefix("sqlite:///"))


@pytest.fixture
def committing_app(template_url, backend):
    with committing_app_context(template_url, backend) as app:
        yield app


@pytest.fixture
def pg_committing_app(template_url, backend):
    services.need("PostgreSQL", backend == "postgresql")
    with committing_app_context(template_url, backend) as app:
        yield app


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(client, url: str) -> str:
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """Submit a form as a browser would: fetch the page for its CSRF token, then POST."""
    token = csrf_from(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


@pytest.fixture(scope="session")
def compiled_catalog() -> None:
    """The English .mo, rebuilt when the .po is newer (``make install`` builds it too)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    po = root / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        subprocess.run([str(root / "scripts" / "i18n.sh"), "compile"], cwd=root, check=True,
                       env={**os.environ, "BIN": str(Path(sys.executable).parent)})


def choose_language(client, lang: str) -> None:
    """Switch the page language as the header's switch does (session; and the account when
    signed in). English needs the ``compiled_catalog`` fixture."""
    if CSRF_RE.search(client.get("/").get_data(as_text=True)):  # signed in: POST with CSRF
        response = post_form(client, "/bahasa", {"lang": lang, "next": "/"}, form_url="/")
    else:  # a visitor: the GET switch (no session until a choice is made)
        response = client.get(f"/bahasa?lang={lang}&next=/")
    assert response.status_code == 302, response.status_code


def pytest_terminal_summary(terminalreporter):
    backend = "PostgreSQL" if services.postgres_available() else "SQLite (PostgreSQL not reachable)"
    redis = "Redis" if services.redis_available() else "no Redis (not reachable)"
    terminalreporter.write_sep("-", f"services: database={backend}; broker={redis}")
    for service, message in sorted(services.SKIPPED.items()):
        terminalreporter.write_line(f"SKIPPED service-backed tests: {service}: {message}")


@pytest.fixture
def programs(db_session):
    """Programs, their version snapshots and budgets recorded in the database."""
    from app.demo import ensure_reference_data

    ensure_reference_data()
    db_session.commit()


@pytest.fixture(scope="session")
def browser():
    from tests.support.browser import chromium

    with chromium() as instance:
        yield instance


@pytest.fixture
def live_app(pg_committing_app):
    """A PostgreSQL-backed app with reference data and programs, served on loopback."""
    from app.demo import ensure_reference_data
    from app.extensions import db
    from tests.support.browser import live_server

    with pg_committing_app.app_context():
        ensure_reference_data()
        db.session.commit()
    with live_server(pg_committing_app) as url:
        pg_committing_app.config["LIVE_URL"] = url
        yield pg_committing_app
