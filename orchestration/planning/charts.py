"""The schedule report's charts as Vega-Lite specs (dicts), built with Altair from plain
rows. The specs carry their data inline, so that the page needs no network; report.py
embeds them next to one shared JavaScript bundle. Each builder returns None when there is
nothing to draw, and the page says so in words instead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import altair as alt

from orchestration.planning.model import REASON_CODES

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
USED = "#2b6cb0"
AVAILABLE = "#cbd5e0"
ZERO_LINES = "#d9d9d9"
# Wide enough for "12.5/14" in 11 px; with more dates than fit, the cells lose their text.
CELL_WIDTH, MIN_CELL_WIDTH, CELL_HEIGHT = 62, 16, 26
MAX_HEATMAP_WIDTH = 1100
LABEL_LIMIT = 320


def pool_label(row: dict) -> str:
    return f"{row['manufacturing_location']} / {row['line_type']}"


def _num(value) -> float:
    # Decimals from the warehouse are not JSON; None counts as 0 in a chart.
    return float(value) if isinstance(value, Decimal) else (value or 0)


def _short(value) -> str:
    text = f"{_num(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    spec.pop("$schema", None)  # a URL the page never loads; drop it rather than explain it
    return spec


def _pools_in_order(rows: list[dict]) -> list[str]:
    return sorted({r["pool"] for r in rows})


def capacity_today(capacity: list[dict], day: date) -> dict | None:
    """Lines used against lines available per pool on one plan date: a bullet bar."""
    rows = [{"pool": pool_label(r), "lines_available": _num(r["lines_available"]),
             "lines_used": _num(r["lines_used"]),
             "label": f"{_short(r['lines_used'])} of {_short(r['lines_available'])}"}
            for r in capacity if r["fps_dt"] == day]
    if not rows:
        return None
    pools = _pools_in_order(rows)
    y = alt.Y("pool:N", sort=pools, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=y, tooltip=[alt.Tooltip("pool:N", title="pool"),
                      alt.Tooltip("lines_available:Q", title="lines available", format=",.2~f"),
                      alt.Tooltip("lines_used:Q", title="lines used", format=",.2~f")])
    available = base.mark_bar(color=AVAILABLE, size=20).encode(
        x=alt.X("lines_available:Q", title="lines"))
    used = base.mark_bar(color=USED, size=10).encode(x="lines_used:Q")
    label = base.mark_text(align="left", dx=6, fontSize=11, color="#333").encode(
        x=alt.X("max_lines:Q"), text="label:N").transform_calculate(
        max_lines="max(datum.lines_available, datum.lines_used)")
    chart = alt.layer(available, used, label).properties(width=560, height=alt.Step(30))
    return _spec(chart)


def capacity_heatmap(capacity: list[dict]) -> dict | None:
    """Share of lines used per pool (rows) and plan date (columns); pools with no lines
    on a date are grey and say "0 lines"."""
    if not capacity:
        return None
    rows = []
    for r in capacity:
        available, used = _num(r["lines_available"]), _num(r["lines_used"])
        rows.append({
            "pool": pool_label(r), "fps_dt": r["fps_dt"].isoformat(),
            "lines_available": available, "lines_used": used,
            "lines_required": _num(r.get("lines_required")),
            "candidates": _num(r.get("candidates")),
            # 0, not null, where there are no lines: Vega-Lite drops null cells, and the
            # colour's condition paints these grey anyway
            "share": used / available if available else 0.0,
            "label": f"{_short(used)}/{_short(available)}" if available else "0 lines"})
    dates = sorted({r["fps_dt"] for r in rows})
    step = max(MIN_CELL_WIDTH, min(CELL_WIDTH, MAX_HEATMAP_WIDTH // len(dates)))
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("fps_dt:O", sort=dates, title="plan date",
                axis=alt.Axis(orient="top", labelAngle=-45 if step < CELL_WIDTH else 0,
                              labelExpr="slice(datum.value, 5)")),
        y=alt.Y("pool:N", sort=_pools_in_order(rows), title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        tooltip=[alt.Tooltip("pool:N", title="pool"),
                 alt.Tooltip("fps_dt:O", title="plan date"),
                 alt.Tooltip("lines_available:Q", title="lines available", format=",.2~f"),
                 alt.Tooltip("lines_used:Q", title="lines used", format=",.2~f"),
                 alt.Tooltip("lines_required:Q", title="lines required", format=",.2~f"),
                 alt.Tooltip("candidates:Q", title="candidates", format=",~f")])
    no_lines = alt.datum.lines_available == 0
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.when(no_lines).then(alt.value(ZERO_LINES)).otherwise(
            alt.Color("share:Q", title="share of lines used",
                      scale=alt.Scale(scheme="blues", domain=[0, 1], clamp=True),
                      legend=alt.Legend(format=".0%", orient="bottom", gradientLength=240))))
    layers = [cells]
    if step >= CELL_WIDTH:
        layers.append(base.mark_text(fontSize=11).encode(
            text="label:N",
            color=alt.when(alt.datum.share > 0.6).then(alt.value("white")).otherwise(
                alt.value("#222"))))
    chart = alt.layer(*layers).properties(width=alt.Step(step), height=alt.Step(CELL_HEIGHT))
    return _spec(chart)


def reason_counts(counts: list[dict]) -> dict | None:
    """Rows per reason code, tomorrow and over the horizon, side by side (own scales)."""
    rows = [{"reason_code": r["reason_code"], "period": period, "rows": _num(r.get(key))}
            for r in counts for period, key in (("tomorrow", "tomorrow"),
                                                ("over the horizon", "horizon"))]
    if not any(r["rows"] for r in rows):
        return None
    known = [c for c in REASON_CODES if any(r["reason_code"] == c for r in rows)]
    order = known + sorted({r["reason_code"] for r in rows} - set(known))
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(color=USED).encode(
        x=alt.X("rows:Q", title="rows"),
        y=alt.Y("reason_code:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        tooltip=[alt.Tooltip("reason_code:N", title="reason"),
                 alt.Tooltip("period:N", title="period"),
                 alt.Tooltip("rows:Q", title="rows", format=",~f")],
    ).properties(width=260, height=alt.Step(22)).facet(
        column=alt.Column("period:N", sort=["tomorrow", "over the horizon"], title=None,
                          header=alt.Header(labelFontSize=13, labelFontWeight="bold")),
    ).resolve_scale(x="independent")
    return _spec(chart)
