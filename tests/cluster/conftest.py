"""The multi-host cluster fixture: one running deployment per test module."""

from __future__ import annotations

import pytest

from app import create_app
from app.extensions import db
from tests.cluster.harness import Cluster, tools_available
from tests.conftest import TEMPLATE_DB, make_config
from tests.support import databases, services


@pytest.fixture(scope="module")
def cluster(template_url, backend):
    services.need("PostgreSQL", backend == "postgresql")
    services.need("haproxy, pgbouncer and redis-server", tools_available())
    name = databases.clone_name()
    direct = databases.create_pg_database(name, template=TEMPLATE_DB)
    seed = create_app(make_config(direct))
    try:
        with Cluster(name) as running:
            running.seed = seed
            yield running
    finally:
        with seed.app_context():
            db.session.remove()
            db.engine.dispose()
        databases.drop_pg_database(name)
