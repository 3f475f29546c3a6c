"""Checks on the staged schedule (stg2.fact_production_schedule_staged), between
the build and the publish (write-audit-publish): the row-count check blocks the
publish; the capacity check warns. The section 6 rules are dbt tests (their own
owners, dbt_project/tests/scheduling/).

Each evaluation is a plain function of a connection, the run_date and the
thresholds (tested on real data), without side effects; the asset checks below
are thin wrappers. The row-count history is the published schedule itself.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dagster import AssetCheckExecutionContext, AssetChecksDefinition, AssetKey, asset_check

from orchestration.alarms import AlarmName
from orchestration.check_results import CheckOutcome
from orchestration.defs.monitoring.resources import MonitoringSettings
from orchestration.defs.schedule.history import previous_row_counts
from orchestration.metadata import check_docs
from orchestration.partitions import run_date_of
from orchestration.settings import Settings, Thresholds
from orchestration.warehouse.resource import WarehouseResource

STAGED = AssetKey(["stg2", "fact_production_schedule_staged"])
ROW_COUNT = "prod-schedule-row-count"  # the condition the row-count levels share


@dataclass(frozen=True)
class StagedCounts:
    tomorrow_rows: int
    total_rows: int
    over_capacity_tomorrow: int


def staged_counts(conn, run_date: date) -> StagedCounts:
    """The stage's rows of this run_date (it keeps every run_date built, D64)."""
    with conn.cursor() as cur:
        cur.execute("""
            select coalesce(sum(case when is_tomorrow_production_schedule = 1 then 1 else 0 end), 0),
                   count(*),
                   coalesce(sum(case when is_tomorrow_production_schedule = 1
                                      and is_within_capacity = 0 then 1 else 0 end), 0)
            from stg2.fact_production_schedule_staged
            where run_date = %s""", (run_date,))
        tomorrow, total, over = cur.fetchone()
    return StagedCounts(int(tomorrow), int(total), int(over))


def evaluate_row_count(conn, run_date: date, t: Thresholds,
                       accept_row_count_drop: bool = False) -> CheckOutcome:
    """Tomorrow's rows and the run's rows against the previous run_dates' averages.

    P1 (blocks the publish): no row for tomorrow, or tomorrow's rows under the
    critical share of their average. P2: the run's rows (all plan dates) more than
    the warning drop under their average. Tomorrow alone swings about 30% with the
    weekday (weekend staffing), so a 20% rule on it would page every Friday; the
    run's total moves a few % (D46).
    """
    counts = staged_counts(conn, run_date)
    if counts.total_rows == 0:
        return CheckOutcome.alert(ROW_COUNT, AlarmName.EMPTY_OUTPUT,
                                  f"the staged schedule holds no row for run_date {run_date}: "
                                  "nothing to publish", total_rows=0)
    baseline = previous_row_counts(conn, run_date, t.row_count_baseline_run_dates)

    def mean(values):
        return sum(values) / len(values) if values else None

    tomorrow_average = mean([tomorrow for _, tomorrow, _ in baseline])
    total_average = mean([total for _, _, total in baseline])
    tomorrow_ratio = counts.tomorrow_rows / tomorrow_average if tomorrow_average else None
    total_ratio = counts.total_rows / total_average if total_average else None
    numbers = {
        "tomorrow_rows": counts.tomorrow_rows, "total_rows": counts.total_rows,
        "tomorrow_average": round(tomorrow_average, 1) if tomorrow_average is not None else None,
        "total_average": round(total_average, 1) if total_average is not None else None,
        "tomorrow_ratio": round(tomorrow_ratio, 3) if tomorrow_ratio is not None else None,
        "total_ratio": round(total_ratio, 3) if total_ratio is not None else None,
        "baseline_run_dates": [d.isoformat() for d, _, _ in baseline],
    }
    of_previous = f"of the previous {len(baseline)} run_dates"
    if counts.tomorrow_rows == 0:
        return CheckOutcome.alert(ROW_COUNT, AlarmName.EMPTY_OUTPUT,
                                  f"0 schedule rows for tomorrow ({run_date + timedelta(days=1)});"
                                  " publish halted", **numbers)
    if tomorrow_ratio is not None and tomorrow_ratio < t.row_count_critical_share:
        drop = (f"{counts.tomorrow_rows:,} rows for tomorrow, {1 - tomorrow_ratio:.0%} below "
                f"the average {tomorrow_average:,.0f} {of_previous}")
        if accept_row_count_drop:
            return CheckOutcome.alert(ROW_COUNT, AlarmName.ROW_COUNT_WARNING,
                                      f"{drop}; published: the drop was accepted by the operator",
                                      accepted_by_operator=True, **numbers)
        return CheckOutcome.alert(ROW_COUNT, AlarmName.ROW_COUNT_CRITICAL,
                                  f"{drop}; publish halted", **numbers)
    if total_ratio is not None and total_ratio < 1 - t.row_count_warning_drop:
        return CheckOutcome.alert(
            ROW_COUNT, AlarmName.ROW_COUNT_WARNING,
            f"{counts.total_rows:,} schedule rows, {1 - total_ratio:.0%} below the average "
            f"{total_average:,.0f} {of_previous}", **numbers)
    return CheckOutcome.ok(
        ROW_COUNT, f"{counts.tomorrow_rows:,} rows for tomorrow, {counts.total_rows:,} in all"
        + (f" ({total_ratio:.0%} of the average)" if total_ratio else
           " (no earlier run_date to compare with yet)"), **numbers)


def evaluate_capacity_overflow(conn, run_date: date, t: Thresholds) -> CheckOutcome:
    counts = staged_counts(conn, run_date)
    condition = AlarmName.CAPACITY_OVERFLOW
    share = counts.over_capacity_tomorrow / counts.tomorrow_rows if counts.tomorrow_rows else 0.0
    numbers = {"candidates_tomorrow": counts.tomorrow_rows,
               "over_capacity_tomorrow": counts.over_capacity_tomorrow,
               "share_over_capacity": round(share, 3),
               "threshold": t.capacity_overflow_share}
    if share > t.capacity_overflow_share:
        return CheckOutcome.alert(
            condition, condition,
            f"{share:.0%} of tomorrow's {counts.tomorrow_rows:,} candidates are over capacity "
            f"(is_within_capacity = 0; alarm above {t.capacity_overflow_share:.0%})", **numbers)
    return CheckOutcome.ok(condition, f"{share:.0%} of tomorrow's candidates over capacity",
                           **numbers)


def schedule_checks(partitions, settings: Settings) -> list[AssetChecksDefinition]:
    t = settings.thresholds

    @asset_check(asset=STAGED, name="prod_schedule_row_count", blocking=True,
                 partitions_def=partitions,
                 **check_docs(AlarmName.ROW_COUNT_CRITICAL,
                              f"Tomorrow's rows vs the previous {t.row_count_baseline_run_dates} "
                              f"run_dates: 0 or < {t.row_count_critical_share:.0%} blocks the "
                              f"publish (P1); the run's rows more than "
                              f"{t.row_count_warning_drop:.0%} below warn (P2)."))
    def prod_schedule_row_count(context: AssetCheckExecutionContext,
                                warehouse: WarehouseResource, monitoring: MonitoringSettings):
        with warehouse.connection() as conn:
            return evaluate_row_count(conn, run_date_of(context), monitoring.thresholds(),
                                      monitoring.accept_row_count_drop).to_result()

    @asset_check(asset=STAGED, name="capacity_overflow_high", partitions_def=partitions,
                 **check_docs(AlarmName.CAPACITY_OVERFLOW,
                              f"> {t.capacity_overflow_share:.0%} of tomorrow's candidates over "
                              "capacity (P2)."))
    def capacity_overflow_high(context: AssetCheckExecutionContext,
                               warehouse: WarehouseResource, monitoring: MonitoringSettings):
        with warehouse.connection() as conn:
            return evaluate_capacity_overflow(conn, run_date_of(context),
                                              monitoring.thresholds()).to_result()

    return [prod_schedule_row_count, capacity_overflow_high]
