"""One partition = one run_date, in the plant's time zone.

Partitions start where this deployment's data starts (PST_PARTITIONS_START, the
settings), so that "filled" in the UI counts the days that should have a
schedule. end_offset=1 includes today: the normal daily run is run_date = today.
"""

from __future__ import annotations

from datetime import date

from dagster import AssetCheckExecutionContext, AssetExecutionContext, DailyPartitionsDefinition

from orchestration.settings import Settings


def run_date_partitions(settings: Settings) -> DailyPartitionsDefinition:
    return DailyPartitionsDefinition(start_date=settings.partitions_start.isoformat(),
                                     timezone=settings.plant_timezone, end_offset=1)


def run_date_of(context: AssetExecutionContext | AssetCheckExecutionContext) -> date:
    """The run_date of an asset's or an asset check's partition."""
    return date.fromisoformat(context.partition_key)
