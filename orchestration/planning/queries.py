"""The planners' views read from the warehouse: an item's explain rows, the changes
since the previous plan, and everything the schedule report shows. Each query reads
a dbt model (the rules live there, not here). SQL composed with psycopg2.sql and
bound parameters; portable to Redshift."""

from __future__ import annotations

from datetime import date, datetime, timezone

from psycopg2 import sql

from orchestration import settings
from orchestration.planning.model import NOT_FULLY_SERVED, ScheduleReportData
from orchestration.warehouse.connection import table_exists

EXPLAIN = ("stg2", "ps_schedule_explain")
QA_FINDINGS = ("stg2", "ps_qa_findings")
ALERT_LOG = ("ops", "alert_log")
CHANGES, CHANGES_BY_LOCATION = "schedule_changes", "schedule_changes_by_location"

EXPLAIN_COLUMNS = [
    "fps_dt", "manufacturing_location", "line_type", "item_id", "schedule_class",
    "rank_over_manufacturing_location_line_type", "projected_inventory", "need_units",
    "required_lines", "lines_available", "cum_required_lines_before", "room_lines",
    "production_lines", "production_goal_total", "reason_code", "reason"]
CHANGE_COLUMNS = [
    "fps_dt", "manufacturing_location", "line_type", "item_id", "change_type",
    "previous_production_lines", "production_lines", "previous_production_goal_total",
    "production_goal_total"]
LOCATION_COLUMNS = [
    "manufacturing_location", "items_added", "items_removed", "items_changed",
    "previous_production_lines", "production_lines", "production_lines_delta",
    "previous_production_goal_total", "production_goal_total", "production_goal_total_delta"]


class NotBuiltError(RuntimeError):
    """A planners' table is missing or has no row for the run_date asked."""


def _rows(cur, query: sql.Composable, params) -> list[dict]:
    cur.execute(query, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _select(columns: list[str], relation: tuple[str, str]) -> sql.Composed:
    return sql.SQL("select {} from {}").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(*relation))


def _require(cur, relation: tuple[str, str], run_date: date, what: str) -> None:
    if not table_exists(cur, *relation):
        raise NotBuiltError(f"{'.'.join(relation)} does not exist yet: run `make run` first")
    cur.execute(sql.SQL("select count(*) from {} where run_date = %s").format(
        sql.Identifier(*relation)), (run_date,))
    if not cur.fetchone()[0]:
        raise NotBuiltError(f"no {what} for run_date {run_date} in {'.'.join(relation)}: "
                            f"run `make run RUN_DATE={run_date}` first")


def changes_relations() -> tuple[tuple[str, str], tuple[str, str]]:
    """The changes models live beside the published schedule (PST_PUBLISH_SCHEMA)."""
    schema = settings.publish_schema()
    return (schema, CHANGES), (schema, CHANGES_BY_LOCATION)


def explain_rows(cur, run_date: date, item_id: str, location: str | None = None,
                 fps_dt: date | None = None) -> list[dict]:
    """An item's rows of ps_schedule_explain (every plan date, or one), by location and date."""
    _require(cur, EXPLAIN, run_date, "explain rows")
    where = [sql.SQL("run_date = %s"), sql.SQL("item_id = %s")]
    params: list = [run_date, item_id]
    if location:
        where.append(sql.SQL("manufacturing_location = %s"))
        params.append(location)
    if fps_dt:
        where.append(sql.SQL("fps_dt = %s"))
        params.append(fps_dt)
    query = _select(EXPLAIN_COLUMNS, EXPLAIN) + sql.SQL(" where {} order by {}, {}").format(
        sql.SQL(" and ").join(where), sql.Identifier("manufacturing_location"),
        sql.Identifier("fps_dt"))
    return _rows(cur, query, params)


def previous_run_date(cur, run_date: date) -> date | None:
    by_location = changes_relations()[1]
    if not table_exists(cur, *by_location):
        return None
    cur.execute(sql.SQL("select max(previous_run_date) from {} where run_date = %s").format(
        sql.Identifier(*by_location)), (run_date,))
    return cur.fetchone()[0]


def changes(cur, run_date: date) -> list[dict]:
    """The item-days added, removed or changed since the previous plan."""
    relation = changes_relations()[0]
    if not table_exists(cur, *relation):
        return []
    query = _select(CHANGE_COLUMNS, relation) + sql.SQL(
        " where run_date = %s and change_type <> 'unchanged'"
        " order by manufacturing_location, fps_dt, line_type, item_id")
    return _rows(cur, query, (run_date,))


def changes_by_location(cur, run_date: date) -> list[dict]:
    relation = changes_relations()[1]
    if not table_exists(cur, *relation):
        return []
    query = _select(LOCATION_COLUMNS, relation) + sql.SQL(
        " where run_date = %s order by manufacturing_location")
    return _rows(cur, query, (run_date,))


def reason_counts(cur, run_date: date) -> list[dict]:
    """Rows per reason code: tomorrow's and the horizon's."""
    if not table_exists(cur, *EXPLAIN):
        return []
    return _rows(cur, sql.SQL(
        "select reason_code, sum(is_tomorrow_production_schedule) as tomorrow, count(*) as horizon"
        " from {} where run_date = %s group by reason_code order by reason_code").format(
            sql.Identifier(*EXPLAIN)), (run_date,))


def tomorrow_schedule(cur, run_date: date) -> list[dict]:
    published = (settings.publish_schema(), settings.PUBLISHED_TABLE)
    query = _select(["manufacturing_location", "line_type", "item_id", "schedule_class",
                     "rank_over_manufacturing_location_line_type", "required_lines",
                     "production_lines", "production_goal_total", "lines_available",
                     "is_within_capacity"], published) + sql.SQL(
        " where run_date = %s and is_tomorrow_production_schedule = 1"
        " order by manufacturing_location, line_type, rank_over_manufacturing_location_line_type")
    return _rows(cur, query, (run_date,))


def capacity(cur, run_date: date) -> list[dict]:
    """Lines used against lines available per pool and plan date of the horizon."""
    return _rows(cur, sql.SQL(
        "select manufacturing_location, line_type, fps_dt,"
        " max(lines_available) as lines_available,"
        " sum(production_lines) as lines_used,"
        " sum(case when reason_code <> 'not_candidate' then required_lines else 0 end)"
        " as lines_required,"
        " sum(case when reason_code <> 'not_candidate' then 1 else 0 end) as candidates"
        " from {} where run_date = %s"
        " group by manufacturing_location, line_type, fps_dt"
        " order by manufacturing_location, line_type, fps_dt").format(
            sql.Identifier(*EXPLAIN)), (run_date,))


def not_fully_served_tomorrow(cur, run_date: date) -> list[dict]:
    return _rows(cur, sql.SQL(
        "select manufacturing_location, line_type, item_id, reason_code, reason,"
        " required_lines, production_lines from {}"
        " where run_date = %s and is_tomorrow_production_schedule = 1 and reason_code in %s"
        " order by manufacturing_location, line_type,"
        " rank_over_manufacturing_location_line_type").format(
            sql.Identifier(*EXPLAIN)), (run_date, NOT_FULLY_SERVED))


def qa_findings(cur, run_date: date) -> list[dict]:
    if not table_exists(cur, *QA_FINDINGS):
        return []
    return _rows(cur, sql.SQL(
        "select qa_table, code as qa_code, tab as source, row_number, column_name,"
        " cell_value as value, message, is_excluded as excluded from {}"
        " where run_date = %s order by table_order, code, tab, row_number").format(
            sql.Identifier(*QA_FINDINGS)), (run_date,))


def alerts(cur, run_date: date) -> list[dict]:
    """The alerts raised for the run_date's partition (the alert log keeps them all)."""
    if not table_exists(cur, *ALERT_LOG):
        return []
    return _rows(cur, sql.SQL(
        "select alarm, severity, status, summary, first_raised_at from {}"
        " where partition_key = %s order by first_raised_at").format(
            sql.Identifier(*ALERT_LOG)), (run_date.isoformat(),))


def report_data(conn, run_date: date, now: datetime | None = None) -> ScheduleReportData:
    """Everything the run_date's schedule report shows. The horizon is the run's own
    (its last plan date), whatever HORIZON_DAYS the run was given."""
    with conn.cursor() as cur:
        _require(cur, EXPLAIN, run_date, "explain rows")
        _require(cur, (settings.publish_schema(), settings.PUBLISHED_TABLE), run_date,
                 "published schedule")
        pools = capacity(cur, run_date)
        return ScheduleReportData(
            run_date=run_date, generated_at=now or datetime.now(timezone.utc),
            horizon_days=(max(r["fps_dt"] for r in pools) - run_date).days,
            previous_run_date=previous_run_date(cur, run_date),
            schedule_tomorrow=tomorrow_schedule(cur, run_date),
            capacity=pools,
            not_fully_served=not_fully_served_tomorrow(cur, run_date),
            reason_counts=reason_counts(cur, run_date),
            changes=changes(cur, run_date),
            changes_by_location=changes_by_location(cur, run_date),
            qa_findings=qa_findings(cur, run_date),
            alerts=alerts(cur, run_date))
