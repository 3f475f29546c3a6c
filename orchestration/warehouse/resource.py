"""Dagster's handle on the warehouse (embedded PostgreSQL or PST_DATABASE_URL)."""

from __future__ import annotations

from contextlib import contextmanager

from dagster import ConfigurableResource

from orchestration.warehouse import WarehouseTarget, connect, ensure_warehouse


class WarehouseResource(ConfigurableResource):
    """Resolves the warehouse when a run uses it, never at import time.

    The connection string comes from PST_DATABASE_URL (a secret: it is never
    logged); without it the embedded server is started for the run.
    """

    def target(self) -> WarehouseTarget:
        return ensure_warehouse()

    @contextmanager
    def connection(self):
        with connect(self.target()) as conn:
            yield conn
