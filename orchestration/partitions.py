"""One partition = one run_date, in the plant's time zone.

Partitions start on 2026-01-01 so the whole year can be backfilled, and
end_offset=1 includes today: the normal daily run is run_date = today.
"""

from __future__ import annotations

from datetime import date

from dagster import AssetCheckExecutionContext, AssetExecutionContext, DailyPartitionsDefinition

from orchestration import settings

PARTITIONS_START = "2026-01-01"

daily_run_dates = DailyPartitionsDefinition(
    start_date=PARTITIONS_START,
    timezone=settings.plant_timezone(),
    end_offset=1,
)


def run_date_of(context: AssetExecutionContext | AssetCheckExecutionContext) -> date:
    """The run_date of an asset's or an asset check's partition."""
    return date.fromisoformat(context.partition_key)
