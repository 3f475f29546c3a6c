"""Missing staffing on one of the next N plan dates (ps_qa_missing_inputs code 1)."""

from datetime import date, timedelta

from dagster import AssetCheckExecutionContext, AssetChecksDefinition, AssetKey, asset_check

from orchestration.alarms import AlarmName
from orchestration.check_results import CheckOutcome
from orchestration.defs.monitoring.resources import MonitoringSettings
from orchestration.metadata import check_docs
from orchestration.partitions import run_date_of
from orchestration.settings import Settings
from orchestration.warehouse.resource import WarehouseResource

MISSING = AlarmName.STAFFING_DATA_MISSING


def evaluate_staffing_missing(conn, run_date: date, lookahead_days: int) -> CheckOutcome:
    """ps_qa_missing_inputs code 1 on one of the next `lookahead_days` plan dates."""
    with conn.cursor() as cur:
        cur.execute("""
            select manufacturing_location, line_type, dt
            from stg2.ps_qa_missing_inputs
            where run_date = %s and code = '1' and dt between %s and %s
            order by dt, manufacturing_location, line_type""",
                    (run_date, run_date + timedelta(days=1),
                     run_date + timedelta(days=lookahead_days)))
        gaps = cur.fetchall()
    numbers = {"pools_and_dates_without_staffing": len(gaps),
               "first_gaps": [f"{loc}/{line} {dt}" for loc, line, dt in gaps[:10]],
               "lookahead_days": lookahead_days}
    if gaps:
        return CheckOutcome.alert(MISSING, MISSING,
                                  f"no staffing (explicit or default) for {len(gaps)} pool-date(s) "
                                  f"in the next {lookahead_days} plan dates", **numbers)
    return CheckOutcome.ok(MISSING, f"staffing present for the next {lookahead_days} plan dates",
                           **numbers)


def staffing_checks(partitions, settings: Settings) -> list[AssetChecksDefinition]:
    lookahead = settings.thresholds.staffing_lookahead_days

    @asset_check(asset=AssetKey(["stg2", "ps_qa_missing_inputs"]), name="staffing_data_missing",
                 partitions_def=partitions,
                 **check_docs(MISSING, f"Missing staffing on one of the next {lookahead} plan "
                                       "dates (P1, after one automatic re-run of the staffing "
                                       "load)."))
    def staffing_data_missing(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
                              monitoring: MonitoringSettings):
        with warehouse.connection() as conn:
            return evaluate_staffing_missing(conn, run_date_of(context),
                                             monitoring.staffing_lookahead_days).to_result()

    return [staffing_data_missing]
