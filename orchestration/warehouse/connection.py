"""One way in to the warehouse for every part of the platform."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import psycopg2

from orchestration import settings
from orchestration.warehouse.embedded import start_embedded
from orchestration.warehouse.target import WarehouseTarget, parse_database_url


def configured_target() -> WarehouseTarget | None:
    """PST_DATABASE_URL parsed and checked against the deployment, or None (embedded).

    The production deployment is Redshift and never starts the embedded server;
    the local one is PostgreSQL (a Redshift URL there would build dbt's `local`
    target against Redshift)."""
    deployment = settings.deployment()
    url = settings.database_url()
    if deployment == "production":
        settings.Settings.from_env().refuse_incomplete_production()
    if not url:
        return None
    target = parse_database_url(url)
    if deployment == "local" and target.is_redshift:
        raise settings.DeploymentNotConfigured(
            "PST_DATABASE_URL is a Redshift URL: Redshift is the production deployment "
            "(set PST_DEPLOYMENT=production and its settings, docs/configuration.md)")
    return target


def ensure_warehouse(*, keep_running: bool = False) -> WarehouseTarget:
    """PST_DATABASE_URL when set, else the embedded server (started if needed; local
    deployment only).

    Also exports the dbt profile's variables (PST_PG_* or REDSHIFT_*) so that dbt,
    run as a subprocess, reaches the same database as the loaders.
    """
    target = configured_target() or start_embedded(
        settings.pst_home() / "warehouse", keep_running=keep_running)
    os.environ.update(target.dbt_env())
    return target


CONNECT_TIMEOUT_SECONDS = 10  # an unreachable warehouse is said in seconds, not minutes


class WarehouseUnreachable(psycopg2.OperationalError):
    """The warehouse refused or did not answer: one line naming where and which setting."""


def unreachable(target: WarehouseTarget, error: Exception) -> WarehouseUnreachable:
    setting = ("PST_DATABASE_URL" if settings.database_url()
               else f"the embedded warehouse in {settings.pst_home() / 'warehouse'}")
    reason = (str(error).strip().splitlines() or ["no answer"])[0]
    return WarehouseUnreachable(f"warehouse unreachable: {target.describe()} ({setting}): {reason}")


@contextmanager
def connect(target: WarehouseTarget) -> Iterator[psycopg2.extensions.connection]:
    """A connection that commits on success and rolls back on error."""
    try:
        conn = psycopg2.connect(connect_timeout=CONNECT_TIMEOUT_SECONDS, **target.psycopg2_kwargs)
    except psycopg2.OperationalError as error:
        raise unreachable(target, error) from None  # the driver's text names no secret
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
