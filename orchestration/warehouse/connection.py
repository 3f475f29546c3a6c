"""One way in to the warehouse for every part of the platform."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import psycopg2

from orchestration import settings
from orchestration.warehouse.embedded import start_embedded
from orchestration.warehouse.target import WarehouseTarget, parse_database_url


def ensure_warehouse(*, keep_running: bool = False) -> WarehouseTarget:
    """PST_DATABASE_URL when set, else the embedded server (started if needed).

    Also exports the dbt profile's PST_PG_* variables so that dbt, run as a
    subprocess, reaches the same database as the loaders.
    """
    url = settings.database_url()
    target = (
        parse_database_url(url)
        if url
        else start_embedded(settings.pst_home() / "warehouse", keep_running=keep_running)
    )
    os.environ.update(target.dbt_env())
    return target


@contextmanager
def connect(target: WarehouseTarget) -> Iterator[psycopg2.extensions.connection]:
    """A connection that commits on success and rolls back on error."""
    conn = psycopg2.connect(**target.psycopg2_kwargs)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def table_exists(cur, schema: str, table: str) -> bool:
    """Through the catalog views PostgreSQL and Redshift both have (not to_regclass)."""
    cur.execute("select count(*) from information_schema.tables "
                "where table_schema = %s and table_name = %s", (schema, table))
    return bool(cur.fetchone()[0])
