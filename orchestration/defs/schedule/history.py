"""The schedule's own history, read from where it lives: dwh.fact_production_schedule
(PST_PUBLISH_SCHEMA during the parallel run) keeps every published run_date
(scheduling.md section 5), so the row-count baseline and the weekly summary count its
rows instead of keeping a second record."""

from datetime import date

from psycopg2 import sql

from orchestration import settings
from orchestration.warehouse.connection import table_exists


def _published() -> tuple[str, str]:
    return settings.publish_schema(), settings.PUBLISHED_TABLE


def _counts() -> sql.Composed:
    return sql.SQL("""
    select run_date,
           sum(case when is_tomorrow_production_schedule = 1 then 1 else 0 end),
           count(*)
    from {}
""").format(sql.Identifier(*_published()))


def _published_table_exists(cur) -> bool:
    return table_exists(cur, *_published())


def previous_row_counts(conn, run_date: date, run_dates: int) -> list[tuple[date, int, int]]:
    """(run_date, tomorrow's rows, all rows) of the `run_dates` published run_dates
    before `run_date` (D39): only what was published, so a blocked run_date never
    enters the baseline; by run_date, so a backfill compares with its own past."""
    with conn.cursor() as cur:
        if not _published_table_exists(cur):
            return []
        cur.execute(_counts() + sql.SQL("where run_date < %s group by run_date "
                                        "order by run_date desc limit %s"), (run_date, run_dates))
        return [(r[0], int(r[1]), int(r[2])) for r in cur.fetchall()]


def row_counts_of(conn, run_dates: list[date]) -> list[tuple[date, int, int]]:
    """(run_date, tomorrow's rows, all rows) of these published run_dates."""
    if not run_dates:
        return []
    with conn.cursor() as cur:
        if not _published_table_exists(cur):
            return []
        cur.execute(_counts() + sql.SQL("where run_date in %s group by run_date order by run_date"),
                    (tuple(run_dates),))
        return [(r[0], int(r[1]), int(r[2])) for r in cur.fetchall()]
