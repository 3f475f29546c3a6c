"""What the schedule report shows, read from the warehouse (queries.py) and rendered
as one self-contained HTML page (report.py). Plain rows (dicts keyed by column name)
so that the renderer needs no database and its tests build the data by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# The reason codes of stg2.ps_schedule_explain, in the order a planner reads them.
REASON_CODES = (
    "scheduled_in_full",
    "partially_scheduled",
    "not_scheduled_no_room",
    "not_scheduled_changeover",
    "no_lines_available",
    "not_candidate",
)
# The codes of an item that needed lines and did not get all of them.
NOT_FULLY_SERVED = ("partially_scheduled", "not_scheduled_no_room",
                    "not_scheduled_changeover", "no_lines_available")


@dataclass(frozen=True)
class ScheduleReportData:
    """Everything one run_date's report shows.

    schedule_tomorrow: the published rows of fps_dt = run_date + 1, ordered by location,
        line type, rank; keys manufacturing_location, line_type, item_id, schedule_class,
        rank_over_manufacturing_location_line_type, required_lines, production_lines,
        production_goal_total, lines_available, is_within_capacity.
    capacity: one row per pool and plan date of the horizon; keys manufacturing_location,
        line_type, fps_dt (date), lines_available, lines_used (sum of production_lines),
        lines_required (sum of required_lines of the candidates), candidates.
    not_fully_served: tomorrow's candidates not scheduled in full; keys
        manufacturing_location, line_type, item_id, reason_code, reason, required_lines,
        production_lines.
    reason_counts: rows per reason code over the horizon; keys reason_code, tomorrow, horizon.
    changes: keys manufacturing_location, line_type, fps_dt, item_id, change_type
        ('added' | 'removed' | 'changed'), previous_production_lines, production_lines,
        previous_production_goal_total, production_goal_total.
    changes_by_location: keys manufacturing_location, items_added, items_removed,
        items_changed, production_lines_delta, production_goal_total_delta.
    qa_findings: keys qa_table, qa_code, source, row_number, column_name, value, message,
        excluded.
    alerts: the alerts raised for the run_date's partition; keys alarm, severity, status,
        summary, first_raised_at.
    """

    run_date: date
    generated_at: datetime
    horizon_days: int
    previous_run_date: date | None = None
    schedule_tomorrow: list[dict] = field(default_factory=list)
    capacity: list[dict] = field(default_factory=list)
    not_fully_served: list[dict] = field(default_factory=list)
    reason_counts: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    changes_by_location: list[dict] = field(default_factory=list)
    qa_findings: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
