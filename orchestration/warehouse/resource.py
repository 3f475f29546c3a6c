"""Dagster's handle on the warehouse (embedded PostgreSQL or PST_DATABASE_URL)."""

from __future__ import annotations

from contextlib import contextmanager

from dagster import ConfigurableResource

from orchestration.warehouse import WarehouseTarget, WarehouseUnreachable, connect, ensure_warehouse


class WarehouseResource(ConfigurableResource):
    """Resolves the warehouse when a run uses it, never at import time.

    The connection string comes from PST_DATABASE_URL (a secret: it is never
    logged); without it the embedded server is started for the run.
    """

    def target(self) -> WarehouseTarget:
        return ensure_warehouse()

    @contextmanager
    def connection(self):
        """In a step, an unreachable warehouse fails the step at once with its alarm: a
        refused connection is not mended by the step retries' minutes of backoff."""
        try:
            with connect(self.target()) as conn:
                yield conn
        except WarehouseUnreachable as error:
            from orchestration.alarms import AlarmName  # noqa: PLC0415 - no import cycle
            from orchestration.defs.sources import alarm_failure  # noqa: PLC0415

            raise alarm_failure(error, AlarmName.WAREHOUSE_UNREACHABLE, retryable=False) from None
