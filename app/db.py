"""Declarative base, naming convention and column helpers shared by every domain."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSON that is JSONB on PostgreSQL and plain JSON elsewhere.
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
#: 64-bit ids where tables may grow to millions of rows; SQLite needs INTEGER for autoincrement.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware datetime that is always stored and returned in UTC.

    SQLite drops the offset, so values are normalised on the way in and re-tagged on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use app.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), dict[str, Any]: JSONType},
    )


class TimestampMixin:
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, record: Any) -> None:
    """SQLite (the embedded default): enforce foreign keys, wait for locks instead of failing,
    let readers run beside the writer (WAL), and let SQLAlchemy run transactions itself.

    pysqlite's own transaction handling breaks SAVEPOINTs; this is SQLAlchemy's documented fix.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@sa.event.listens_for(sa.engine.Engine, "begin")
def _sqlite_on_begin(connection: sa.engine.Connection) -> None:
    """IMMEDIATE takes the write lock up front, so two writers queue (busy_timeout) rather
    than deadlock when a read transaction later tries to write (the in-process relay)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
