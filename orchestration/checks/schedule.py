"""Checks on the staged schedule (stg2.fact_production_schedule_staged), between
the build and the publish (write-audit-publish): the row-count check blocks
the publish; capacity and business rules warn.

Each evaluation is a plain function of a connection and the run_date (tested
on real data); the asset checks below are thin wrappers.
"""


from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from dagster import AssetCheckExecutionContext, AssetKey, asset_check

from orchestration.alerting import store
from orchestration.checks.outcome import CheckOutcome
from orchestration.metadata import check_docs
from orchestration.partitions import daily_run_dates, run_date_of
from orchestration.resources.monitoring import MonitoringSettings
from orchestration.resources.warehouse import WarehouseResource

STAGED = AssetKey(["stg2", "fact_production_schedule_staged"])
ROW_COUNT = "prod-schedule-row-count"


@dataclass(frozen=True)
class StagedCounts:
    run_dates: list[date]  # the run_date(s) the stage holds (exactly [run_date] when built)
    tomorrow_rows: int
    total_rows: int
    over_capacity_tomorrow: int


def staged_counts(conn) -> StagedCounts:
    with conn.cursor() as cur:
        cur.execute("""
            select min(run_date), max(run_date),
                   coalesce(sum(case when is_tomorrow_production_schedule = 1 then 1 else 0 end), 0),
                   count(*),
                   coalesce(sum(case when is_tomorrow_production_schedule = 1
                                      and is_within_capacity = 0 then 1 else 0 end), 0)
            from stg2.fact_production_schedule_staged""")
        first, last, tomorrow, total, over = cur.fetchone()
    run_dates = sorted({d for d in (first, last) if d is not None})
    return StagedCounts(run_dates, int(tomorrow), int(total), int(over))


def _stage_is_for(counts: StagedCounts, run_date: date) -> bool:
    # an empty stage holds no run_date; otherwise it must be this partition's build
    return counts.run_dates in ([], [run_date])


def evaluate_row_count(conn, run_date: date, settings: MonitoringSettings,
                       now: datetime | None = None) -> CheckOutcome:
    """Tomorrow's rows and the run's rows against the previous run_dates' averages
    (kept in ops.schedule_row_counts).

    P1 (blocks the publish): no row for tomorrow, or tomorrow's rows under 50% of
    their average. P2: the run's rows (all plan dates) 20-50% under their average.
    Tomorrow alone swings about 30% with the weekday (weekend staffing), so a
    20% rule on it would page every Friday; the run's total moves a few % (D46).
    """
    counts = staged_counts(conn)
    if not _stage_is_for(counts, run_date):
        return CheckOutcome.alert(ROW_COUNT, "prod-schedule-empty-output",
                                  f"the staged schedule holds run_date(s) {counts.run_dates}, "
                                  f"not {run_date}: nothing to publish",
                                  staged_run_dates=[d.isoformat() for d in counts.run_dates])
    baseline = store.row_count_baseline(conn, run_date, settings.row_count_baseline_run_dates)

    def mean(values):
        return sum(values) / len(values) if values else None

    tomorrow_average = mean([t for _, t, _ in baseline])
    total_average = mean([n for _, _, n in baseline])
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
        outcome = CheckOutcome.alert(ROW_COUNT, "prod-schedule-empty-output",
                                     f"0 schedule rows for tomorrow ({run_date + timedelta(days=1)});"
                                     " publish halted", **numbers)
    elif tomorrow_ratio is not None and tomorrow_ratio < settings.row_count_critical_ratio:
        drop = (f"{counts.tomorrow_rows:,} rows for tomorrow, {1 - tomorrow_ratio:.0%} below "
                f"the average {tomorrow_average:,.0f} {of_previous}")
        if settings.accept_row_count_drop:
            outcome = CheckOutcome.alert(ROW_COUNT, "prod-schedule-row-count-warning",
                                         f"{drop}; published: the drop was accepted by the operator",
                                         accepted_by_operator=True, **numbers)
        else:
            outcome = CheckOutcome.alert(ROW_COUNT, "prod-schedule-row-count-critical",
                                         f"{drop}; publish halted", **numbers)
    elif total_ratio is not None and total_ratio < settings.row_count_warning_ratio:
        outcome = CheckOutcome.alert(
            ROW_COUNT, "prod-schedule-row-count-warning",
            f"{counts.total_rows:,} schedule rows, {1 - total_ratio:.0%} below the average "
            f"{total_average:,.0f} {of_previous}", **numbers)
    else:
        outcome = CheckOutcome.ok(
            ROW_COUNT, f"{counts.tomorrow_rows:,} rows for tomorrow, {counts.total_rows:,} in all"
            + (f" ({total_ratio:.0%} of the average)" if total_ratio else
               " (no earlier run_date to compare with yet)"), **numbers)
    status = ("pass" if outcome.passed else
              "blocked" if outcome.alarm != "prod-schedule-row-count-warning" else "warn")
    store.record_row_counts(conn, run_date, counts.tomorrow_rows, counts.total_rows,
                            counts.tomorrow_rows, counts.over_capacity_tomorrow, status,
                            now or datetime.now(timezone.utc))
    return outcome


def evaluate_capacity_overflow(conn, run_date: date, settings: MonitoringSettings) -> CheckOutcome:
    counts = staged_counts(conn)
    condition = "capacity-overflow-high"
    share = counts.over_capacity_tomorrow / counts.tomorrow_rows if counts.tomorrow_rows else 0.0
    numbers = {"candidates_tomorrow": counts.tomorrow_rows,
               "over_capacity_tomorrow": counts.over_capacity_tomorrow,
               "share_over_capacity": round(share, 3),
               "threshold": settings.capacity_overflow_ratio}
    if share > settings.capacity_overflow_ratio:
        return CheckOutcome.alert(
            condition, "capacity-overflow-high",
            f"{share:.0%} of tomorrow's {counts.tomorrow_rows:,} candidates are over capacity "
            f"(is_within_capacity = 0; alarm above {settings.capacity_overflow_ratio:.0%})",
            **numbers)
    return CheckOutcome.ok(condition, f"{share:.0%} of tomorrow's candidates over capacity",
                           **numbers)


# The section 6 rules, each as a count of violations (scheduling.md section 6; rule 1's
# only slack is the 1e-9 of the floor guard, as in macros/scheduling/pst_fps_rules.sql).
_RULES_SQL = """
with staged as (select * from stg2.fact_production_schedule_staged where run_date = %(run_date)s),
rule1 as (
    select count(*) as n from (
        select manufacturing_location, line_type, fps_dt
        from staged
        group by manufacturing_location, line_type, fps_dt
        having sum(production_lines) > max(lines_available) + 0.000000001) pools),
rule3 as (
    select count(*) as n from (
        select 1 from staged
        group by manufacturing_location, line_type, fps_dt, rank_over_manufacturing_location_line_type
        having count(*) > 1) ranks),
rule4 as (
    select count(*) as n from staged
    where production_goal_total is null or production_goal_total < 0),
fps_errors as (
    select coalesce(sum(case when code = '00' then 1 else 0 end), 0) as code_00,
           coalesce(sum(case when code = '01' then 1 else 0 end), 0) as code_01
    from stg2.ps_fps_errors where run_date = %(run_date)s)
select rule1.n, rule3.n, rule4.n, fps_errors.code_00, fps_errors.code_01
from rule1, rule3, rule4, fps_errors
"""


def evaluate_business_rules(conn, run_date: date) -> CheckOutcome:
    with conn.cursor() as cur:
        cur.execute(_RULES_SQL, {"run_date": run_date})
        rule1, rule3, rule4, code_00, code_01 = (int(v) for v in cur.fetchone())
    numbers = {"rule1_pools_over_lines_available": rule1, "rule3_duplicate_ranks": rule3,
               "rule4_null_or_negative_goals": rule4, "ps_fps_errors_code_00": code_00,
               "ps_fps_errors_code_01_rule2": code_01}
    condition = "business-rule-violation"
    broken = {k: v for k, v in numbers.items() if v}
    if broken:
        what = ", ".join(f"{k} = {v}" for k, v in broken.items())
        return CheckOutcome.alert(condition, "business-rule-violation",
                                  f"scheduling.md section 6 / ps_fps_errors: {what}", **numbers)
    return CheckOutcome.ok(condition, "rules 1-4 hold, no ps_fps_errors rows", **numbers)


@asset_check(asset=STAGED, name="prod_schedule_row_count", blocking=True,
             partitions_def=daily_run_dates,
             **check_docs("prod-schedule-row-count-critical",
                          "Tomorrow's rows vs the previous 7 run_dates: 0 or < 50% blocks the "
                          "publish (P1), 20-50% below warns (P2)."))
def prod_schedule_row_count(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
                            monitoring: MonitoringSettings):
    with warehouse.connection() as conn:
        return evaluate_row_count(conn, run_date_of(context), monitoring).to_result()


@asset_check(asset=STAGED, name="capacity_overflow_high", partitions_def=daily_run_dates,
             **check_docs("capacity-overflow-high",
                          "> 30% of tomorrow's candidates over capacity (P2)."))
def capacity_overflow_high(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
                           monitoring: MonitoringSettings):
    with warehouse.connection() as conn:
        return evaluate_capacity_overflow(conn, run_date_of(context), monitoring).to_result()


@asset_check(asset=STAGED, name="business_rule_violation", partitions_def=daily_run_dates,
             **check_docs("business-rule-violation",
                          "scheduling.md section 6 rules and ps_fps_errors rows (P2)."))
def business_rule_violation(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
    with warehouse.connection() as conn:
        return evaluate_business_rules(conn, run_date_of(context)).to_result()


schedule_checks = [prod_schedule_row_count, capacity_overflow_high, business_rule_violation]
