"""The planners' commands: `make explain`, `make changes`, `make report`.

    explain RUN_DATE ITEM [--location L] [--fps-dt D]  why an item got the lines it got
    changes RUN_DATE                                    what moved since the previous plan
    report RUN_DATE                                     write $PST_HOME/reports/schedule_<run_date>.html
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from orchestration.planning import queries
from orchestration.planning.report import reports_dir, write_report
from orchestration.planning.tables import text_table
from orchestration.warehouse import connect, ensure_warehouse

EXPLAIN_TABLE = [
    ("fps_dt", "plan date"), ("manufacturing_location", "location"), ("line_type", "line type"),
    ("schedule_class", "class"), ("rank_over_manufacturing_location_line_type", "rank"),
    ("projected_inventory", "projected inv."), ("need_units", "need"),
    ("required_lines", "lines req."), ("lines_available", "pool lines"),
    ("cum_required_lines_before", "asked before"), ("room_lines", "room"),
    ("production_lines", "scheduled"), ("reason_code", "reason code")]
CHANGES_SUMMARY = [
    ("manufacturing_location", "location"), ("items_added", "added"),
    ("items_removed", "removed"), ("items_changed", "changed"),
    ("previous_production_lines", "lines before"), ("production_lines", "lines now"),
    ("production_lines_delta", "lines delta"), ("production_goal_total_delta", "units delta")]
CHANGES_DETAIL = [
    ("fps_dt", "plan date"), ("manufacturing_location", "location"), ("line_type", "line type"),
    ("item_id", "item"), ("change_type", "change"), ("previous_production_lines", "lines before"),
    ("production_lines", "lines now"), ("previous_production_goal_total", "units before"),
    ("production_goal_total", "units now")]


def format_explain(run_date: date, item_id: str, rows: list[dict]) -> str:
    if not rows:
        return (f"item {item_id} has no explain rows for run_date {run_date} "
                "(not an active item of this run, or another location/date was asked)")
    reasons = [f"  {r['fps_dt']} {r['manufacturing_location']}: {r['reason']}" for r in rows]
    return "\n".join([f"item {item_id}, run_date {run_date}: {len(rows)} plan row(s)", "",
                      text_table(rows, EXPLAIN_TABLE), "", "why:"] + reasons)


def format_changes(run_date: date, previous: date | None, summary: list[dict],
                   detail: list[dict], limit: int) -> str:
    if previous is None:
        return f"run_date {run_date}: no earlier published plan to compare with"
    lines = [f"run_date {run_date} against the previous plan {previous}:", "",
             text_table(summary, CHANGES_SUMMARY), ""]
    if not detail:
        return "\n".join(lines + ["no item-day changed on the plan dates both plans cover"])
    lines += [f"{len(detail)} item-day(s) added, removed or changed"
              + (f" (first {limit} shown)" if len(detail) > limit else "") + ":",
              text_table(detail[:limit], CHANGES_DETAIL)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.planning.cli",
                                     description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    explain = commands.add_parser("explain", help="an item's plan dates with the reason")
    explain.add_argument("run_date", type=date.fromisoformat)
    explain.add_argument("item_id")
    explain.add_argument("--location")
    explain.add_argument("--fps-dt", type=date.fromisoformat)
    changes = commands.add_parser("changes", help="changes against the previous plan")
    changes.add_argument("run_date", type=date.fromisoformat)
    changes.add_argument("--rows", type=int, default=50, help="detail rows shown (50)")
    report = commands.add_parser("report", help="write the run_date's HTML report")
    report.add_argument("run_date", type=date.fromisoformat)
    args = parser.parse_args(argv)

    try:
        with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
            if args.command == "explain":
                rows = queries.explain_rows(cur, args.run_date, args.item_id, args.location,
                                            args.fps_dt)
                print(format_explain(args.run_date, args.item_id, rows))
                return 0 if rows else 1
            if args.command == "changes":
                print(format_changes(args.run_date, queries.previous_run_date(cur, args.run_date),
                                     queries.changes_by_location(cur, args.run_date),
                                     queries.changes(cur, args.run_date), args.rows))
                return 0
            path = write_report(queries.report_data(conn, args.run_date), reports_dir())
            print(f"report for run_date {args.run_date}: {path}")
            return 0
    except queries.NotBuiltError as error:
        print(f"{args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
