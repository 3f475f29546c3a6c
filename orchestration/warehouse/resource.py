"""Dagster's handle on the warehouse (embedded PostgreSQL or PST_DATABASE_URL)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from dagster import ConfigurableResource

from orchestration.warehouse import WarehouseTarget, WarehouseUnreachable, connect, ensure_warehouse

if TYPE_CHECKING:
    from orchestration.landing.archive import ArchiveWriter
    from orchestration.landing.loaders import RowLoader


class WarehouseResource(ConfigurableResource):
    """Resolves the warehouse when a run uses it, never at import time.

    The connection string comes from PST_DATABASE_URL (a secret: it is never
    logged); without it the embedded server is started for the run.
    """

    def target(self) -> WarehouseTarget:
        return ensure_warehouse()

    def loader(self, archive: "ArchiveWriter") -> "RowLoader":
        """How this warehouse takes landed rows: COPY FROM STDIN on PostgreSQL; on
        Redshift a CSV object in the raw archive (S3) and COPY from there."""
        from orchestration import settings  # noqa: PLC0415
        from orchestration.landing.loaders import POSTGRES_COPY, RedshiftS3Copy  # noqa: PLC0415

        if not self.target().is_redshift:
            return POSTGRES_COPY
        return RedshiftS3Copy(archive, settings.redshift_copy_role_arn() or "")

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
