"""The ERP inventory in force is fresh (data-freshness-stale), by its snapshot_dt."""

from dagster import AssetChecksDefinition, AssetKey

from orchestration.defs.freshness import evaluate_inventory_freshness, freshness_check
from orchestration.landing import specs
from orchestration.settings import Settings


def erp_checks(partitions, settings: Settings) -> list[AssetChecksDefinition]:
    return [freshness_check(
        AssetKey(list(specs.INVENTORY_TABLE)), partitions, settings,
        "The latest inventory snapshot_dt is",
        lambda conn, run_date, hours: evaluate_inventory_freshness(conn, run_date, hours,
                                                                    settings))]
