"""Reference ("oracle") implementation of the production schedule.

A straightforward, independent reading of shared/spec/scheduling.md and qa.md
plus docs/decisions.md (cited as D1..D16), in plain Python with exact
`decimal.Decimal` arithmetic. Tests run it next to the dbt models and compare
row for row, so it favours clarity over speed: one pass over the inputs, then
a plain day loop.

Local form only: the CSV files of `data_dir` are the Sheets snapshot of
`run_date` and the Supplybuy pull of `run_date`; inventory rows are selected
as of `run_date` (section 1, D11).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from pathlib import Path

from tests.reference.text_rules import (
    CSV_COLUMNS,
    TAB_COLUMNS,
    is_blank_row,
    normalize_header,
    parse_date,
    parse_iso_date,
    parse_plain_number,
    trim,
    type_sheet_row,
)

# 60 significant digits, far beyond numeric(38, x): sums and products of realistic
# inputs stay exact; only the divisions (by W, window_sum, rate, R) are rounded.
DECIMAL_CONTEXT = Context(prec=60)
ZERO = Decimal(0)
EPS_GUARD = Decimal("1e-9")  # the rounding guards of section 4
EPS_NEED = Decimal("1e-6")  # candidate threshold

SCHEDULE_COLUMNS = (
    "run_date", "fps_dt", "manufacturing_location", "line_type", "item_id", "is_automated",
    "schedule_class", "rank_over_manufacturing_location_line_type", "projected_inventory",
    "forecast_units", "avg_demand", "days_of_supply", "need_units", "changeover_lines",
    "required_lines", "production_lines", "lines_available", "production_goal_total",
    "is_within_capacity", "is_tomorrow_production_schedule",
)
QA_KEYS = ("code", "source", "row_number", "item_id", "manufacturing_location", "line_type",
           "distribution_center", "dt", "row_count")
CLASSES = ("automated_reschedule", "automated", "non_automated_reactive",
           "non_automated_proactive")


@dataclass
class ReferenceResult:
    schedule: list[dict] = field(default_factory=list)
    qa_inputs: list[dict] = field(default_factory=list)
    qa_missing_inputs: list[dict] = field(default_factory=list)
    fps_errors: list[dict] = field(default_factory=list)
    capacity_alerting: list[dict] = field(default_factory=list)
    staffing_by_dt: list[dict] = field(default_factory=list)
    sales_forecast: list[dict] = field(default_factory=list)
    manufacturing_need: list[dict] = field(default_factory=list)
    excess_inventory: list[dict] = field(default_factory=list)


def _finding(code: str, source: str, row_number: int | None = None, **keys) -> dict:
    finding = dict.fromkeys(QA_KEYS)
    finding.update(code=code, source=source, row_number=row_number, **keys)
    return finding


def _key_text(cell: str | None) -> str | None:
    """A key cell as reported in a finding: trimmed, None when blank."""
    return trim(cell) or None


# --------------------------------------------------------------------------- reading files


def _read_csv(path: Path, source: str, required: tuple[str, ...]):
    """Yield (row_number, {column: raw text}) per non-blank data row.

    The header is row 1; a fully blank row is skipped but still counts (D4).
    A missing required column fails the load, as the loaders must.
    """
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        position: dict[str, int] = {}
        for index, name in enumerate(header):
            position.setdefault(normalize_header(name), index)
        missing = [c for c in required if c not in position]
        if missing:
            raise ValueError(f"{source}: missing required column {missing[0]!r}")
        for row_number, record in enumerate(reader, start=2):
            if is_blank_row(record):
                continue
            yield row_number, {
                c: record[position[c]] if position[c] < len(record) else "" for c in required
            }


def _typed_sheet_rows(data_dir: Path, tab: str, findings: list[dict]):
    """(row_number, typed row) of one tab; untypeable rows become code 8 (and only that)."""
    rows = []
    for row_number, cells in _read_csv(data_dir / f"{tab}.csv", tab, TAB_COLUMNS[tab]):
        typed = type_sheet_row(tab, cells)
        if typed is None:
            keys = {k: _key_text(cells[k]) for k in
                    ("item_id", "manufacturing_location", "line_type", "distribution_center")
                    if k in cells}
            if "dt" in cells:
                keys["dt"] = parse_date(cells["dt"])
            findings.append(_finding("8", tab, row_number, **keys))
        else:
            rows.append((row_number, typed))
    return rows


def _dedupe(rows, key_of, tab: str, code: str, findings: list[dict], keys_of) -> dict:
    """Highest _row_number wins per key; every losing row is a finding (codes 5, 6; D7)."""
    groups = defaultdict(list)
    for row_number, row in rows:
        groups[key_of(row)].append((row_number, row))
    winners = {}
    for key, group in groups.items():
        group.sort(key=lambda pair: pair[0])
        winners[key] = group[-1][1]
        for row_number, row in group[:-1]:
            findings.append(_finding(code, tab, row_number, **keys_of(row)))
    return winners


# --------------------------------------------------------------------------- configuration


def _load_config(data_dir: Path, findings: list[dict]):
    # staffing / staffing_defaults: type (8), negative lines (4), de-dup (5)
    def staffing_keys(row):
        return {"manufacturing_location": row["manufacturing_location"],
                "line_type": row["line_type"], "dt": row.get("dt")}

    staffing_tabs = {}
    for tab, day_column in (("staffing", "dt"), ("staffing_defaults", "day_of_week")):
        valid = []
        for row_number, row in _typed_sheet_rows(data_dir, tab, findings):
            if row["lines_staffed"] < 0:
                findings.append(_finding("4", tab, row_number, **staffing_keys(row)))
            else:
                valid.append((row_number, row))
        staffing_tabs[tab] = _dedupe(
            valid,
            lambda r, c=day_column: (r["manufacturing_location"], r["line_type"], r[c]),
            tab, "5", findings, staffing_keys)

    # dc_mapping: type (8), de-dup on distribution_center (5)
    mapping_rows = _typed_sheet_rows(data_dir, "dc_mapping", findings)
    mapping = _dedupe(mapping_rows, lambda r: r["distribution_center"], "dc_mapping", "5",
                      findings, lambda r: {"distribution_center": r["distribution_center"],
                                           "manufacturing_location": r["manufacturing_location"]})
    dc_location = {dc: row["manufacturing_location"] for dc, row in mapping.items()}

    # items: type (8), then for active rows the first of code 2, 3 (D6), then de-dup of
    # active rows (6); inactive rows are only typed
    def item_keys(row):
        return {"item_id": row["item_id"], "manufacturing_location": row["manufacturing_location"],
                "line_type": row["line_type"]}

    active = []
    for row_number, row in _typed_sheet_rows(data_dir, "items", findings):
        if not row["is_active"]:
            continue
        if row["units_per_line_day"] <= 0:
            findings.append(_finding("2", "items", row_number, **item_keys(row)))
        elif (row["target_days_of_supply"] < row["safety_stock_days"]
              or min(row["changeover_lines"], row["safety_stock_days"],
                     row["target_days_of_supply"]) < 0):
            findings.append(_finding("3", "items", row_number, **item_keys(row)))
        else:
            active.append((row_number, row))
    items = _dedupe(active, lambda r: (r["item_id"], r["manufacturing_location"]), "items",
                    "6", findings, item_keys)
    return staffing_tabs["staffing"], staffing_tabs["staffing_defaults"], dc_location, items


# --------------------------------------------------------------------------- forecasts, inventory


def _load_forecasts(data_dir: Path, window: set[date], findings: list[dict]):
    """Valid window rows of the pull as (row_number, item_id, dc, forecast_date, units).

    D9: rows dated outside the window are not part of the pull (no finding);
    a row whose key or date cannot be typed is code 8, one whose units cannot
    (or are negative) code 7. Also returns the window dates that have any row at
    all (D13).
    """
    rows, dates_present = [], set()
    for row_number, cells in _read_csv(data_dir / "forecasts.csv", "forecasts",
                                       CSV_COLUMNS["forecasts"]):
        day = parse_iso_date(cells["forecast_date"])
        if day is not None and day not in window:
            continue
        if day is not None:
            dates_present.add(day)
        item_id, dc = trim(cells["item_id"]), trim(cells["distribution_center"])
        units = parse_plain_number(cells["forecast_units"])
        if day is None or not item_id or not dc or units is None or units < 0:
            code = "8" if day is None or not item_id or not dc else "7"
            findings.append(_finding(code, "forecasts", row_number, item_id=item_id or None,
                                     distribution_center=dc or None, dt=day))
            continue
        rows.append((row_number, item_id, dc, day, units))
    return rows, dates_present


def _load_inventory(data_dir: Path, run_date: date, findings: list[dict]):
    """Valid rows of each (item_id, dc)'s latest snapshot_dt <= run_date (D11).

    A row with a blank key has no "latest" of its own: it takes part (and is
    reported, code 8) when it belongs to the newest snapshot_dt <= run_date of
    the whole file; a row whose snapshot_dt cannot be read is reported by every
    run (code 8); unreadable or negative units are code 7.
    """
    candidates = []
    latest: dict[tuple[str, str], date] = {}
    newest: date | None = None
    for row_number, cells in _read_csv(data_dir / "inventory_snapshot.csv", "inventory_snapshot",
                                       CSV_COLUMNS["inventory_snapshot"]):
        key = (trim(cells["item_id"]), trim(cells["distribution_center"]))
        snapshot_dt = parse_iso_date(cells["snapshot_dt"])
        if snapshot_dt is None:
            # cannot be placed in time: reported by every run (interpretation, see report)
            findings.append(_finding("8", "inventory_snapshot", row_number, item_id=key[0] or None,
                                     distribution_center=key[1] or None))
            continue
        if snapshot_dt > run_date:
            continue
        latest[key] = max(latest.get(key, snapshot_dt), snapshot_dt)
        newest = max(newest or snapshot_dt, snapshot_dt)
        candidates.append((row_number, key, snapshot_dt, cells))
    rows = []
    for row_number, (item_id, dc), snapshot_dt, cells in candidates:
        if snapshot_dt != (latest[(item_id, dc)] if item_id and dc else newest):
            continue
        units = parse_plain_number(cells["on_hand_units"])
        if not item_id or not dc or units is None or units < 0:
            code = "8" if not item_id or not dc else "7"
            findings.append(_finding(code, "inventory_snapshot", row_number,
                                     item_id=item_id or None, distribution_center=dc or None,
                                     dt=snapshot_dt))
            continue
        rows.append((row_number, item_id, dc, snapshot_dt, units))
    return rows


def _drop_unmapped(rows, source: str, dc_location: dict, findings: list[dict]):
    """Code 1: one finding per unmapped DC and source, with the row count (D10)."""
    unmapped = defaultdict(int)
    kept = []
    for row in rows:
        dc = row[2]
        if dc in dc_location:
            kept.append(row)
        else:
            unmapped[dc] += 1
    for dc, count in unmapped.items():
        findings.append(_finding("1", source, distribution_center=dc, row_count=count))
    return kept


# --------------------------------------------------------------------------- scheduling


def _ceil_step(x: Decimal, step: Decimal) -> Decimal:
    return (x / step - EPS_GUARD).to_integral_value(rounding=ROUND_CEILING) * step


def _floor_step(x: Decimal, step: Decimal) -> Decimal:
    return (x / step + EPS_GUARD).to_integral_value(rounding=ROUND_FLOOR) * step


def _round6(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)  # half away from zero (D15)


def _rank_key(row: dict):
    dos = row["days_of_supply"]
    return (CLASSES.index(row["schedule_class"]),
            (0, _round6(dos)) if dos is not None else (1, ZERO),  # NULLS LAST, as ASC in SQL
            row["item_id"].encode())  # byte order, COLLATE "C"


def compute_schedule(data_dir: Path, run_date: date, horizon_days: int = 31,
                     demand_window_days: int = 7,
                     line_rounding_increment: Decimal = Decimal("0.5")) -> ReferenceResult:
    with localcontext(DECIMAL_CONTEXT):
        return _compute(Path(data_dir), run_date, int(horizon_days), int(demand_window_days),
                        Decimal(str(line_rounding_increment)))


def _compute(data_dir: Path, run_date: date, H: int, W: int, R: Decimal) -> ReferenceResult:
    result = ReferenceResult()
    qa = result.qa_inputs
    plan_dates = [run_date + timedelta(days=i) for i in range(1, H + 1)]
    window = [run_date + timedelta(days=i) for i in range(1, H + W)]
    tomorrow = plan_dates[0]

    staffing, defaults, dc_location, items = _load_config(data_dir, qa)
    forecast_rows, dates_present = _load_forecasts(data_dir, set(window), qa)
    inventory_rows = _load_inventory(data_dir, run_date, qa)
    forecast_rows = _drop_unmapped(forecast_rows, "forecasts", dc_location, qa)
    inventory_rows = _drop_unmapped(inventory_rows, "inventory_snapshot", dc_location, qa)

    # ---- section 2: staffing by pool and plan date (D8)
    item_pools = {(i["manufacturing_location"], i["line_type"]) for i in items.values()}
    pools = ({k[:2] for k in staffing} | {k[:2] for k in defaults} | item_pools)
    lines_available: dict[tuple[str, str, date], Decimal] = {}
    for loc, line_type in sorted(pools):
        for d in plan_dates:
            row = staffing.get((loc, line_type, d))  # explicit row for the date first
            if row is None:
                row = defaults.get((loc, line_type, d.isoweekday()))
            lines = row["lines_staffed"] if row is not None else ZERO
            lines_available[(loc, line_type, d)] = lines
            result.staffing_by_dt.append({"manufacturing_location": loc, "line_type": line_type,
                                          "dt": d, "lines_available": lines})
            if row is None and (loc, line_type) in item_pools:
                result.qa_missing_inputs.append({"code": "1", "manufacturing_location": loc,
                                                 "line_type": line_type, "dt": d})
    for d in window:
        if d not in dates_present:
            result.qa_missing_inputs.append({"code": "2", "manufacturing_location": None,
                                             "line_type": None, "dt": d})

    # ---- section 3: demand per (item_id, location, day); unknown capacity is alerted (D12)
    forecast: dict[tuple[str, str, date], Decimal] = defaultdict(lambda: ZERO)
    unknown: dict[tuple[str, str], list] = {}
    for _, item_id, dc, day, units in forecast_rows:
        key = (item_id, dc_location[dc])
        if key in items:
            forecast[(*key, day)] += units
        else:
            entry = unknown.setdefault(key, [0, ZERO])
            entry[0] += 1
            entry[1] += units
    for (item_id, loc), (count, total) in sorted(unknown.items()):
        result.capacity_alerting.append({"item_id": item_id, "manufacturing_location": loc,
                                         "total_forecast_units": total, "row_count": count})
    inv0: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for _, item_id, dc, _, units in inventory_rows:
        inv0[(item_id, dc_location[dc])] += units

    def fc(key, day):
        return forecast.get((*key, day), ZERO)

    def window_sum(key, d):
        return sum((fc(key, d + timedelta(days=k)) for k in range(W)), ZERO)

    item_keys = sorted(items, key=lambda k: (k[0].encode(), k[1].encode()))
    for key in item_keys:
        for day in window:
            result.sales_forecast.append({"item_id": key[0], "manufacturing_location": key[1],
                                          "forecast_date": day, "forecast_units": fc(key, day)})
        ad1 = window_sum(key, tomorrow) / W
        target1 = items[key]["target_days_of_supply"] * ad1
        if inv0[key] > target1:
            result.excess_inventory.append({"item_id": key[0], "manufacturing_location": key[1],
                                            "inv0": inv0[key], "avg_demand": ad1,
                                            "excess_units": inv0[key] - target1})

    # ---- section 4: the daily iteration
    projected = {key: inv0[key] for key in item_keys}
    was_bumped = {key: False for key in item_keys}
    for d in plan_dates:
        by_pool: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for key in item_keys:
            item = items[key]
            inv, forecast_d, wsum = projected[key], fc(key, d), window_sum(key, d)
            ad = wsum / W
            dos = None if wsum == 0 else W * inv / wsum
            need = max(ZERO, item["target_days_of_supply"] * ad + forecast_d - inv)
            result.manufacturing_need.append({
                "item_id": key[0], "manufacturing_location": key[1], "fps_dt": d,
                "projected_inventory": inv, "forecast_units": forecast_d, "avg_demand": ad,
                "days_of_supply": dos, "need_units": need})
            if need <= EPS_NEED:
                continue
            if item["is_automated"]:
                cls = "automated_reschedule" if was_bumped[key] else "automated"
            elif dos is not None and dos < item["safety_stock_days"] - EPS_GUARD:  # D14
                cls = "non_automated_reactive"
            else:
                cls = "non_automated_proactive"
            by_pool[(key[1], item["line_type"])].append({
                "run_date": run_date, "fps_dt": d, "manufacturing_location": key[1],
                "line_type": item["line_type"], "item_id": key[0],
                "is_automated": item["is_automated"], "schedule_class": cls,
                "projected_inventory": inv, "forecast_units": forecast_d, "avg_demand": ad,
                "days_of_supply": dos, "need_units": need})

        goal_by_item: dict[tuple[str, str], Decimal] = {}
        bumped_today: set[tuple[str, str]] = set()
        for (loc, line_type), candidates in sorted(by_pool.items()):
            available = lines_available[(loc, line_type, d)]
            cum_before = ZERO
            for rank, row in enumerate(sorted(candidates, key=_rank_key), start=1):
                item = items[(row["item_id"], loc)]
                rate, changeover = item["units_per_line_day"], item["changeover_lines"]
                required = _ceil_step(row["need_units"] / rate + changeover, R)
                room = _floor_step(max(ZERO, available - cum_before), R)
                lines = min(required, room)
                if lines <= changeover + EPS_GUARD:
                    lines = ZERO
                goal = (lines - changeover) * rate if lines > 0 else ZERO
                cum_before += required
                row.update(rank_over_manufacturing_location_line_type=rank,
                           changeover_lines=changeover, required_lines=required,
                           production_lines=lines, lines_available=available,
                           production_goal_total=goal,
                           is_within_capacity=1 if lines == required else 0,
                           is_tomorrow_production_schedule=1 if d == tomorrow else 0)
                result.schedule.append({c: row[c] for c in SCHEDULE_COLUMNS})
                goal_by_item[(row["item_id"], loc)] = goal
                if item["is_automated"] and lines != required:
                    bumped_today.add((row["item_id"], loc))
            used = sum((r["production_lines"] for r in candidates), ZERO)
            if used > available + EPS_GUARD:  # rule 1 / code 00: the floor guard's 1e-9
                result.fps_errors.append({"code": "00", "manufacturing_location": loc,
                                          "line_type": line_type, "fps_dt": d})

        # carry to d + 1, for every item (non-candidates produce nothing, are not bumped)
        for key in item_keys:
            goal = goal_by_item.get(key, ZERO)
            projected[key] = max(ZERO, projected[key] + goal - fc(key, d))
            was_bumped[key] = key in bumped_today

    _fps_error_01(result, tomorrow)
    result.schedule.sort(key=lambda r: (r["fps_dt"], r["manufacturing_location"].encode(),
                                        r["line_type"].encode(),
                                        r["rank_over_manufacturing_location_line_type"]))
    qa.sort(key=lambda f: (f["code"], f["source"], f["row_number"] or 0,
                           f["distribution_center"] or ""))
    return result


def _fps_error_01(result: ReferenceResult, tomorrow: date) -> None:
    """D16: staffed locations with candidates but no lines tomorrow; NULL row if no rows."""
    rows = [r for r in result.schedule if r["fps_dt"] == tomorrow]
    if not rows:
        result.fps_errors.append({"code": "01", "manufacturing_location": None,
                                  "line_type": None, "fps_dt": tomorrow})
        return
    staffed = defaultdict(lambda: ZERO)
    for s in result.staffing_by_dt:
        if s["dt"] == tomorrow:
            staffed[s["manufacturing_location"]] += s["lines_available"]
    lines = defaultdict(lambda: ZERO)
    for r in rows:
        lines[r["manufacturing_location"]] += r["production_lines"]
    for loc in sorted(lines):
        if staffed[loc] > 0 and lines[loc] == 0:
            result.fps_errors.append({"code": "01", "manufacturing_location": loc,
                                      "line_type": None, "fps_dt": tomorrow})
