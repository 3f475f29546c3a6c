"""One run_date's schedule report: a single self-contained HTML page a planner opens
with no network and no other tool. Charts are Vega-Lite specs (charts.py) drawn by one
inlined copy of Vega/Vega-Lite/Vega-Embed (vl-convert's bundle); everything else is
plain HTML tables. Every value from the warehouse is escaped."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date, timedelta
from functools import lru_cache
from html import escape
from pathlib import Path

import altair as alt

from orchestration import settings
from orchestration.planning import charts
from orchestration.planning.model import ScheduleReportData
from orchestration.planning.tables import badge, number, table

DETAIL_LIMIT = 200  # change and QA rows listed in full; the rest is counted

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:24px 32px;
color:#1a202c;max-width:1280px}
h1{margin-bottom:4px}h2{margin-top:36px;border-bottom:2px solid #e2e8f0;padding-bottom:4px}
.meta{color:#4a5568}.figures{display:flex;gap:16px;flex-wrap:wrap;margin:16px 0}
.figure{background:#f7fafc;border:1px solid #e2e8f0;border-radius:6px;padding:10px 16px}
.figure b{display:block;font-size:22px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border-bottom:1px solid #e2e8f0;padding:4px 10px;text-align:left;vertical-align:top;
white-space:nowrap}td.prose{white-space:normal;min-width:420px}
th{background:#edf2f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{border-radius:4px;padding:1px 6px;font-size:12px;white-space:nowrap}
.b-scheduled_in_full{background:#c6f6d5}.b-partially_scheduled{background:#fefcbf}
.b-not_scheduled_no_room,.b-not_scheduled_changeover{background:#fed7d7}
.b-no_lines_available{background:#e2e8f0}.b-not_candidate{background:#f7fafc}
.b-added{background:#c6f6d5}.b-removed{background:#fed7d7}.b-changed{background:#fefcbf}
.empty{color:#718096;font-style:italic}.chart{margin:8px 0 16px}
"""

EMBED_SCRIPT = """
for (const el of document.querySelectorAll('.chart[data-chart]')) {
  const spec = JSON.parse(document.getElementById('spec-' + el.dataset.chart).textContent);
  vegaEmbed(el, spec, {renderer: 'svg', actions: false})
    .catch(err => { el.textContent = 'chart failed: ' + err; console.error(err); });
}
"""


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite (the version Altair writes) and Vega-Embed in one script (~900 KB)."""
    import vl_convert

    vl_version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return vl_convert.javascript_bundle(vl_version=vl_version).replace("</script", "<\\/script")


def _chart(name: str, spec: dict | None, empty: str) -> str:
    if spec is None:
        return f'<p class="empty">{escape(empty)}</p>'
    # "</" would end the script element early; JSON allows "<\/".
    payload = json.dumps(spec, default=str).replace("</", "<\\/")
    return (f'<div class="chart" data-chart="{name}"></div>'
            f'<script type="application/json" id="spec-{name}">{payload}</script>')


def _figure(label: str, value) -> str:
    return f'<div class="figure">{escape(label)}<b>{escape(str(value))}</b></div>'


def _header(data: ScheduleReportData) -> str:
    tomorrow = data.schedule_tomorrow
    served = sum(1 for r in tomorrow if (r.get("production_lines") or 0) > 0)
    previous = data.previous_run_date.isoformat() if data.previous_run_date else "none"
    return (
        f"<h1>Production schedule for run_date {escape(data.run_date.isoformat())}</h1>"
        f'<p class="meta">Plan dates {_tomorrow(data).isoformat()} to '
        f"{(data.run_date + timedelta(days=data.horizon_days)).isoformat()} "
        f"({data.horizon_days} days); previous plan: {escape(previous)}; generated "
        f"{escape(data.generated_at.strftime('%Y-%m-%d %H:%M %Z').strip())}.</p>"
        '<div class="figures">'
        + _figure("items scheduled tomorrow", served)
        + _figure("lines scheduled tomorrow",
                  number(sum((r.get("production_lines") or 0) for r in tomorrow)))
        + _figure("not fully served tomorrow", len(data.not_fully_served))
        + _figure("item-days changed", len(data.changes))
        + _figure("QA findings", len(data.qa_findings))
        + _figure("alerts", len(data.alerts))
        + "</div>")


def _schedule(data: ScheduleReportData) -> str:
    parts = ['<section id="schedule"><h2>Tomorrow\'s schedule</h2>',
             _chart("capacity-tomorrow",
                    charts.capacity_today(data.capacity, _tomorrow(data)),
                    "No pool has plan rows for tomorrow.")]
    locations = sorted({r["manufacturing_location"] for r in data.schedule_tomorrow})
    if not locations:
        parts.append('<p class="empty">Nothing is scheduled for tomorrow.</p>')
    for location in locations:
        rows = [r for r in data.schedule_tomorrow if r["manufacturing_location"] == location]
        parts.append(f"<h3>{escape(location)}</h3>" + table(
            rows, [("line_type", "line type"), ("rank_over_manufacturing_location_line_type",
                                                "rank"),
                   ("item_id", "item"), ("schedule_class", "class"),
                   ("required_lines", "lines required"), ("production_lines", "lines scheduled"),
                   ("production_goal_total", "units"), ("lines_available", "pool lines"),
                   ("is_within_capacity", "in full")]))
    return "".join(parts) + "</section>"


def _tomorrow(data: ScheduleReportData) -> date:
    return data.run_date + timedelta(days=1)


def _capacity(data: ScheduleReportData) -> str:
    return ('<section id="capacity"><h2>Capacity over the horizon</h2>'
            "<p>Share of each pool's lines used per plan date (grey: the pool has no lines "
            "that day). Hover a cell for the numbers.</p>"
            + _chart("capacity-heatmap", charts.capacity_heatmap(data.capacity),
                     "No capacity rows for this run_date.")
            + "</section>")


def _not_served(data: ScheduleReportData) -> str:
    rows = [{**r, "reason_code": badge(r["reason_code"])} for r in data.not_fully_served]
    body = table(rows, [("manufacturing_location", "location"), ("line_type", "line type"),
                        ("item_id", "item"), ("required_lines", "lines required"),
                        ("production_lines", "lines scheduled"), ("reason_code", "reason code"),
                        ("reason", "why")], raw={"reason_code"}) if rows else (
        '<p class="empty">Every candidate for tomorrow is scheduled in full.</p>')
    return ('<section id="not-served"><h2>Not fully served tomorrow</h2>' + body
            + "<h3>Rows by reason</h3>"
            + _chart("reason-counts", charts.reason_counts(data.reason_counts),
                     "No explain rows for this run_date.")
            + "</section>")


def _limited(rows: list[dict], what: str) -> tuple[list[dict], str]:
    if len(rows) <= DETAIL_LIMIT:
        return rows, ""
    return rows[:DETAIL_LIMIT], (f'<p class="meta">First {DETAIL_LIMIT} {what} shown, '
                                 f"and {len(rows) - DETAIL_LIMIT} more.</p>")


def _changes(data: ScheduleReportData) -> str:
    head = '<section id="changes"><h2>Changes since the previous plan</h2>'
    if data.previous_run_date is None:
        return head + '<p class="empty">No earlier plan to compare with.</p></section>'
    summary = table(data.changes_by_location, [
        ("manufacturing_location", "location"), ("items_added", "added"),
        ("items_removed", "removed"), ("items_changed", "changed"),
        ("production_lines_delta", "lines Δ"), ("production_goal_total_delta", "units Δ")])
    if not data.changes:
        return (head + summary + '<p class="empty">No item-day changed on the plan dates both '
                "plans cover.</p></section>")
    shown, more = _limited(data.changes, "changes")
    rows = [{**r, "change_type": badge(r["change_type"])} for r in shown]
    detail = table(rows, [
        ("manufacturing_location", "location"), ("fps_dt", "plan date"),
        ("line_type", "line type"), ("item_id", "item"), ("change_type", "change"),
        ("previous_production_lines", "lines before"), ("production_lines", "lines now"),
        ("previous_production_goal_total", "units before"),
        ("production_goal_total", "units now")], raw={"change_type"})
    return head + summary + detail + more + "</section>"


def _qa(data: ScheduleReportData) -> str:
    head = '<section id="qa"><h2>QA findings</h2>'
    if not data.qa_findings:
        return head + '<p class="empty">No QA findings for this run_date.</p></section>'
    shown, more = _limited(data.qa_findings, "findings")
    return head + table(shown, [
        ("qa_table", "table"), ("qa_code", "code"), ("source", "source"),
        ("row_number", "row"), ("column_name", "column"), ("value", "value"),
        ("message", "message"), ("excluded", "excluded")]) + more + "</section>"


def _alerts(data: ScheduleReportData) -> str:
    head = '<section id="alerts"><h2>Alerts</h2>'
    if not data.alerts:
        return head + '<p class="empty">No alerts for this run_date.</p></section>'
    return head + table(data.alerts, [
        ("severity", "severity"), ("alarm", "alarm"), ("status", "status"),
        ("summary", "summary"), ("first_raised_at", "raised")]) + "</section>"


def render_report(data: ScheduleReportData) -> str:
    """The whole page as one string: no link, script or font outside it."""
    body = "".join(section(data) for section in (
        _header, _schedule, _capacity, _not_served, _changes, _qa, _alerts))
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Schedule {escape(data.run_date.isoformat())}</title>"
            f"<style>{STYLE}</style><script>{vega_bundle()}</script></head>"
            f"<body>{body}<script>{EMBED_SCRIPT}</script></body></html>")


def reports_dir() -> Path:
    """$PST_HOME/reports: one file per run_date, rewritten when the run_date is rerun."""
    return settings.pst_home() / "reports"


def report_path(directory: Path, run_date) -> Path:
    return Path(directory) / f"schedule_{run_date.isoformat()}.html"


def write_report(data: ScheduleReportData, directory: Path) -> Path:
    """Write the page atomically (a reader never sees half a report) and return its path."""
    target = report_path(directory, data.run_date)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".schedule_", suffix=".html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(render_report(data))
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from the planners' share
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
