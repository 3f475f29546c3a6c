"""The Supplybuy pull in force is fresh (data-freshness-stale)."""

from dagster import AssetChecksDefinition, AssetKey

from orchestration.defs.freshness import evaluate_load_freshness, freshness_check
from orchestration.landing import specs
from orchestration.settings import Settings


def supplybuy_checks(partitions, settings: Settings) -> list[AssetChecksDefinition]:
    source = specs.FORECAST_RAW_TABLE[1]
    return [freshness_check(
        AssetKey(list(specs.FORECAST_RAW_TABLE)), partitions, settings,
        "The pull in force was loaded",
        lambda conn, run_date, hours: evaluate_load_freshness(conn, source, run_date, hours,
                                                               settings))]
