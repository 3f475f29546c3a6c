"""What the planners' views put on Dagster materializations: tomorrow's schedule as a
markdown table per location (truncated), the rows per reason code, the changes since
the previous plan. Markdown because the asset page renders it as tables."""

from __future__ import annotations

from datetime import date

from dagster import MetadataValue

from orchestration.planning import queries
from orchestration.planning.model import REASON_CODES
from orchestration.planning.report import report_path, reports_dir
from orchestration.planning.tables import cell

ROWS_PER_LOCATION = 15  # enough to read a location at a glance; the report has them all


def markdown_table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    def text(key: str, value) -> str:
        return cell(key, value).replace("|", "\\|")

    head = "| " + " | ".join(title for _, title in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(text(k, r.get(k)) for k, _ in columns) + " |" for r in rows]
    return "\n".join([head, rule] + body)


def tomorrow_markdown(schedule: list[dict], per_location: int = ROWS_PER_LOCATION) -> str:
    """Tomorrow's published rows with lines scheduled, per location, best-ranked first."""
    scheduled = [r for r in schedule if (r.get("production_lines") or 0) > 0]
    if not scheduled:
        return "Nothing is scheduled for tomorrow."
    parts = []
    for location in sorted({r["manufacturing_location"] for r in scheduled}):
        rows = [r for r in scheduled if r["manufacturing_location"] == location]
        lines = sum(r["production_lines"] for r in rows)
        parts.append(f"**{location}**: {len(rows)} item(s), {cell('', lines)} line(s)\n\n"
                     + markdown_table(rows[:per_location], [
                         ("line_type", "line type"), ("item_id", "item"),
                         ("production_lines", "lines"), ("production_goal_total", "units"),
                         ("is_within_capacity", "in full")])
                     + (f"\n\n… and {len(rows) - per_location} more (see the report)"
                        if len(rows) > per_location else ""))
    return "\n\n".join(parts)


def reason_counts_markdown(counts: list[dict]) -> str:
    order = {code: i for i, code in enumerate(REASON_CODES)}
    rows = sorted(counts, key=lambda r: order.get(r["reason_code"], len(order)))
    return markdown_table(rows, [("reason_code", "reason code"), ("tomorrow", "tomorrow"),
                                 ("horizon", "over the horizon")])


def changes_markdown(previous_run_date, by_location: list[dict]) -> str:
    if previous_run_date is None:
        return "No earlier published plan to compare with."
    return f"Against the plan of run_date {previous_run_date}:\n\n" + markdown_table(
        by_location, [("manufacturing_location", "location"), ("items_added", "added"),
                      ("items_removed", "removed"), ("items_changed", "changed"),
                      ("production_lines_delta", "lines delta"),
                      ("production_goal_total_delta", "units delta")])


def published_schedule_metadata(cur, run_date: date) -> dict:
    """On the publish asset's materialization: tomorrow, the reasons, the report's path
    (written by planning/schedule_report right after, in the same run)."""
    return {
        "tomorrow's schedule": MetadataValue.md(tomorrow_markdown(
            queries.tomorrow_schedule(cur, run_date))),
        "rows by reason code": MetadataValue.md(reason_counts_markdown(
            queries.reason_counts(cur, run_date))),
        "schedule report": MetadataValue.path(str(report_path(reports_dir(), run_date))),
    }


def changes_metadata(cur, run_date: date) -> dict:
    by_location = queries.changes_by_location(cur, run_date)
    return {
        "changes since the previous plan": MetadataValue.md(changes_markdown(
            queries.previous_run_date(cur, run_date), by_location)),
        "item-days changed": sum(r["items_added"] + r["items_removed"] + r["items_changed"]
                                 for r in by_location),
    }
