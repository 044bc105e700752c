"""The schema comes from the migrations; they must match the models and run both ways."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from tests.support import databases, services


def test_models_and_migrations_agree(app, db_session):
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})
    diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_regions_are_loaded_by_migration(db_session):
    import sqlalchemy as sa

    from app.regions.models import Region

    counts = dict(
        db.session.execute(sa.select(Region.level, sa.func.count()).group_by(Region.level)).all()
    )
    assert counts == {"kabupaten": 1, "kecamatan": 29, "desa": 246, "kelurahan": 28}


@pytest.mark.postgres
def test_migrations_up_down_up_on_postgres():
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from tests.conftest import make_config

    services.need("PostgreSQL", services.postgres_available())
    name = databases.clone_name()
    url = databases.create_pg_database(name)
    try:
        app = create_app(make_config(url))
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            upgrade()
            assert db.session.execute(db.text("SELECT count(*) FROM regions")).scalar() == 304
            db.session.remove()
            db.engine.dispose()
    finally:
        databases.drop_pg_database(name)
