"""Test databases: one migrated template per run, cloned for tests that must really commit."""

from __future__ import annotations

import itertools
import os
import tempfile

import psycopg
from psycopg import sql

from tests.support.services import PG_HOST, PG_PORT, PG_USER

RUN = f"{os.getpid()}"
_counter = itertools.count(1)


def pg_url(dbname: str) -> str:
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{dbname}"


def _admin():
    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    )


def create_pg_database(name: str, template: str | None = None) -> str:
    with _admin() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if template:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return pg_url(name)


def drop_pg_database(name: str) -> None:
    with _admin() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def clone_name() -> str:
    return f"sibantu_t{RUN}_{next(_counter)}"


def sqlite_url() -> str:
    handle, path = tempfile.mkstemp(prefix="sibantu-test-", suffix=".db")
    os.close(handle)
    return f"sqlite:///{path}"
