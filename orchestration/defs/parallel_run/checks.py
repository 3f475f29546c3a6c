"""parallel-run-divergence: a run_date's schedule against the legacy schedule's,
after the publish (the comparison models run in the publish step)."""

from datetime import date

from dagster import (
    AssetCheckExecutionContext,
    AssetChecksDefinition,
    AssetKey,
    MetadataValue,
    asset_check,
)

from orchestration.alarms import AlarmName
from orchestration.check_results import CheckOutcome
from orchestration.metadata import check_docs
from orchestration.parallel_run.comparison import read_comparison
from orchestration.partitions import run_date_of
from orchestration.settings import Settings
from orchestration.warehouse.resource import WarehouseResource

DIVERGENCE = AlarmName.PARALLEL_RUN_DIVERGENCE
SUMMARY_ASSET = AssetKey(["parallel_run", "parallel_run_summary"])


def evaluate_divergence(conn, run_date: date) -> CheckOutcome:
    found = read_comparison(conn, run_date)
    if found is None:
        return CheckOutcome.ok(DIVERGENCE, f"run_date {run_date} not compared: the legacy "
                                           "schedule (or the platform's) has no rows for it",
                               compared=False)
    numbers = {"compared": True, "match_pct": found.match_pct, "keys_total": found.keys_total,
               "keys_matching": found.keys_matching, "rows_missing": found.rows_missing,
               "rows_extra": found.rows_extra, "rows_differing": found.rows_differing,
               "tomorrow_keys_total": found.tomorrow_keys_total,
               "tomorrow_keys_matching": found.tomorrow_keys_matching,
               "first_differences": MetadataValue.md(found.markdown())}
    if found.is_within_tolerance:
        return CheckOutcome.ok(DIVERGENCE, found.line(), **numbers)
    return CheckOutcome.alert(DIVERGENCE, DIVERGENCE, found.line() + " (outside the cutover "
                              "tolerance; make compare RUN_DATE=" + run_date.isoformat() + ")",
                              **numbers)


def parallel_run_checks(partitions, settings: Settings) -> list[AssetChecksDefinition]:
    share = settings.thresholds.parallel_run_max_mismatch_share

    @asset_check(asset=SUMMARY_ASSET, name="parallel_run_divergence", partitions_def=partitions,
                 **check_docs(DIVERGENCE, "The run_date's schedule against the legacy "
                                          f"schedule: P2 when more than {share:.1%} of its rows "
                                          "differ (missing, extra or out of tolerance)."))
    def parallel_run_divergence(context: AssetCheckExecutionContext,
                                warehouse: WarehouseResource):
        with warehouse.connection() as conn:
            return evaluate_divergence(conn, run_date_of(context)).to_result()

    return [parallel_run_divergence]
