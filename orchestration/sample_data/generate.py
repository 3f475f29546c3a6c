"""Deterministic, production-shaped sample of the local sources (sources.md "Local form").

Writes `staffing.csv`, `staffing_defaults.csv`, `items.csv`, `dc_mapping.csv`,
`forecasts.csv` and `inventory_snapshot.csv`. Same arguments, same bytes: all
randomness comes from `random.Random` seeded from `seed` (one stream per file,
so changing one file's recipe does not reshuffle the others), no wall clock.

Shape (scale 1): 4 plants, 10 DCs (each mapped to one plant), 10 pools
(automated and manual line types), ~300 item rows (a few dual-sourced, a few
inactive), staffing defaults per ISO weekday (fewer lines on weekends) plus
explicit rows for holidays, overtime and maintenance, daily forecasts with
weekly and yearly seasonality, and daily inventory snapshots taken from a
simple simulation of the plants. Sheet tabs carry the text variety people type
(`11/23/2026`, `1,250`, `yes`, stray spaces, blank trailing rows) but no row
that the text rules or the QA checks would reject.

Tuned with the reference scheduler (tests/reference/scheduler.py): a run with
H=31, W=7, R=0.5 yields about 2,900 schedule rows, all four schedule classes,
and a few to ~20 % of tomorrow's candidates over capacity. `scale` N multiplies
the items and the staffed lines by N: each line type becomes N numbered pools
the size of the scale-1 pool, so row counts, class mix and overflow keep their
shape (one big pool would absorb every peak and never overflow).
"""

from __future__ import annotations

import csv
import math
import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from orchestration.landing.text_rules import CSV_COLUMNS, TAB_COLUMNS
from orchestration.sample_data.plants import (
    PLANTS,
    STAFFING_FACTOR,
    TUNING,
    WEEKDAY_DEMAND,
    ItemSite,
    build_items,
    is_automated_line,
    pool_loads,
)

DEFAULT_OUT_DIR = Path(".pst/sample")
DEFAULT_SEED = 20261123
DEFAULT_START = date(2026, 1, 1)
DEFAULT_END = date(2027, 2, 15)

def _fmt_number(rng: random.Random, value: float) -> str:
    """Numbers as typed in a sheet: sometimes with thousands separators."""
    text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if abs(value) >= 1000 and rng.random() < 0.6:
        whole, _, frac = text.partition(".")
        text = f"{int(whole):,}" + (f".{frac}" if frac else "")
    return text


def _fmt_date(rng: random.Random, d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}" if rng.random() < 0.4 else d.isoformat()


def _fmt_bool(rng: random.Random, value: bool) -> str:
    return rng.choice(("TRUE", "TRUE", "true", "yes", "Yes", "1") if value
                      else ("FALSE", "FALSE", "false", "no", "No", "0"))


def _pad(rng: random.Random, text: str) -> str:
    """Stray spaces, as people type them (keys are trimmed downstream)."""
    r = rng.random()
    return f" {text}" if r < 0.03 else f"{text} " if r < 0.06 else text


# --------------------------------------------------------------------------- holidays


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


# Share of the default lines staffed on a holiday: (manual, automated) line types.
# Kept moderate so that the eve of a holiday does not trip capacity-overflow-high.
HOLIDAY_CREW = defaultdict(lambda: (0.75, 0.8), christmas=(0.0, 0.5))


def holidays(year: int) -> dict[date, str]:
    return {
        date(year, 1, 1): "new_year", _last_weekday(year, 5, 0): "memorial_day",
        date(year, 7, 4): "independence_day", _nth_weekday(year, 9, 0, 1): "labor_day",
        _nth_weekday(year, 11, 3, 4): "thanksgiving", date(year, 12, 24): "christmas_eve",
        date(year, 12, 25): "christmas", date(year, 12, 31): "new_years_eve",
    }


# --------------------------------------------------------------------------- writers


def _dates(start: date, end: date):
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _writer(path: Path, header):
    handle = path.open("w", newline="", encoding="utf-8")
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    return handle, writer


def write_items(out: Path, sites, seed: int) -> int:
    rng = random.Random(f"{seed}:items.csv")
    handle, w = _writer(out / "items.csv", TAB_COLUMNS["items"])
    with handle:
        for s in sites:
            w.writerow([s.item_id, s.item_name, _pad(rng, s.location), _pad(rng, s.line_type),
                        _fmt_bool(rng, s.is_automated), _fmt_number(rng, s.units_per_line_day),
                        _fmt_number(rng, s.changeover_lines), str(s.safety_stock_days),
                        str(s.target_days_of_supply), _fmt_bool(rng, s.is_active)])
    return len(sites)


def write_dc_mapping(out: Path, seed: int) -> int:
    rng = random.Random(f"{seed}:dc_mapping.csv")
    handle, w = _writer(out / "dc_mapping.csv", TAB_COLUMNS["dc_mapping"])
    rows = [(dc, plant[0]) for plant in PLANTS for dc in plant[2]]
    with handle:
        for dc, location in sorted(rows):
            w.writerow([_pad(rng, dc), _pad(rng, location)])
    return len(rows)


def default_lines(loads) -> dict[tuple[str, str, int], int]:
    """Lines staffed per pool and ISO weekday: sized from the load, fewer on weekends."""
    lines = {}
    for (location, line_type), load in sorted(loads.items()):
        factors = STAFFING_FACTOR[is_automated_line(line_type)]
        for dow in range(1, 8):
            lines[(location, line_type, dow)] = max(1, round(load * factors[dow - 1]))
    return lines


def write_staffing(out: Path, sites, seed: int, start: date, end: date):
    """staffing_defaults.csv, and staffing.csv with explicit overrides (holidays,
    overtime, maintenance). Returns the row counts of both."""
    rng = random.Random(f"{seed}:staffing")
    defaults = default_lines(pool_loads(sites))
    handle, w = _writer(out / "staffing_defaults.csv", TAB_COLUMNS["staffing_defaults"])
    with handle:
        for (location, line_type, dow), n in defaults.items():
            w.writerow([_pad(rng, location), _pad(rng, line_type), str(dow), _fmt_number(rng, n)])
    pools = sorted({(loc, lt) for loc, lt, _ in defaults})
    days = {d: name for year in range(start.year, end.year + 1)
            for d, name in holidays(year).items() if start <= d <= end}
    overrides = 0
    handle, w = _writer(out / "staffing.csv", TAB_COLUMNS["staffing"])
    with handle:
        for d in _dates(start, end):
            for location, line_type in pools:
                base = defaults[(location, line_type, d.isoweekday())]
                if d in days:  # holiday crew; manual lines stop on Christmas Day
                    n = round(base * HOLIDAY_CREW[days[d]][is_automated_line(line_type)])
                elif rng.random() < 0.04:  # overtime or maintenance on an ordinary day
                    n = round(base * rng.choice((0.7, 0.8, 1.15, 1.25)))
                else:
                    continue
                w.writerow([_pad(rng, location), _pad(rng, line_type), _fmt_date(rng, d),
                            _fmt_number(rng, n)])
                overrides += 1
        w.writerow(["", "", "", ""])  # blank trailing rows, as a sheet has them
        w.writerow(["", "", "", ""])
    return len(defaults), overrides


def _season(d: date) -> float:
    """Yearly demand factor (rounded, so libm differences cannot change the output)."""
    phase = 2 * math.pi * (d.timetuple().tm_yday - TUNING["season_peak_day"]) / 365.25
    return round(1 + TUNING["season_amplitude"] * math.cos(phase), 4)


def write_forecasts_and_inventory(out: Path, sites, seed: int, start: date, end: date,
                                  every_days: int) -> tuple[int, int]:
    """forecasts.csv (daily, per item and DC of its plant) and inventory_snapshot.csv.

    Inventory comes from a simple simulation of the plants run alongside the
    forecast stream: each day an item below target is replenished in R-rounded
    line steps (capacity ignored, a few runs missed), then the day's forecast is
    consumed. So the snapshots look like a plant's real steady state instead of
    random draws. Snapshots are taken every `every_days` days, the first on or
    before `start` (the Sunday on or before it for weekly ones), so every
    run_date in [start, end] has an inventory as of it. Both files are streamed.
    """
    rng_forecast = random.Random(f"{seed}:forecasts")
    rng_plant = random.Random(f"{seed}:inventory")
    active = [s for s in sites if s.dc_demand]
    means = [sum(u for _, u in s.dc_demand) for s in active]
    # start at the steady state: target plus a random part of one batch's overshoot
    inventory = [m * s.target_days_of_supply + rng_plant.uniform(0, 0.5 * s.units_per_line_day)
                 for s, m in zip(active, means)]
    pair_prefix = [f"{s.item_id},{dc}," for s in active for dc, _ in s.dc_demand]
    pair_units = [u for s in active for _, u in s.dc_demand]
    pair_site = [i for i, s in enumerate(active) for _ in s.dc_demand]
    site_slices, offset = [], 0
    for s in active:
        site_slices.append((offset, offset + len(s.dc_demand)))
        offset += len(s.dc_demand)
    first = start - timedelta(days=start.isoweekday() % 7) if every_days == 7 else start
    noise = TUNING["forecast_noise"]
    low, span = 1 - noise, 2 * noise
    n_forecasts = n_inventory = 0
    with (out / "forecasts.csv").open("w", newline="", encoding="utf-8") as f_out, \
            (out / "inventory_snapshot.csv").open("w", newline="", encoding="utf-8") as i_out:
        f_out.write(",".join(CSV_COLUMNS["forecasts"]) + "\n")
        i_out.write(",".join(CSV_COLUMNS["inventory_snapshot"]) + "\n")
        for d in _dates(first - timedelta(days=TUNING["warmup_days"]), end):
            day = d.isoformat()
            if d >= first and (d - first).days % every_days == 0:  # snapshot, start of day
                # the plant's stock, split over its DCs in proportion to their demand
                jitter = rng_plant.uniform
                lines = [f"{p}{day},{round(inventory[i] * u / means[i] * jitter(0.9, 1.1))}\n"
                         for p, u, i in zip(pair_prefix, pair_units, pair_site)]
                i_out.write("".join(lines))
                n_inventory += len(lines)
            season = _season(d)
            factor = WEEKDAY_DEMAND[d.weekday()] * season
            if start <= d:  # the forecast, with day-to-day noise
                noisy = rng_forecast.random
                units = [u * factor * (low + span * noisy()) for u in pair_units]
                f_out.write("".join([f"{p}{day},{x:.1f}\n" for p, x in zip(pair_prefix, units)]))
                n_forecasts += len(units)
                demand = [sum(units[a:b]) for a, b in site_slices]
            else:  # warm-up before the sample starts: expected demand
                demand = [m * factor for m in means]
            for i, s in enumerate(active):
                inventory[i] = _replenish(rng_plant, s, means[i] * season, inventory[i], demand[i])
    return n_forecasts, n_inventory


def _replenish(rng: random.Random, s: ItemSite, daily: float, inv: float, demand: float) -> float:
    """One plant day of the simulation: produce to target in R-steps, then ship."""
    need = s.target_days_of_supply * daily + demand - inv
    if need > 0 and rng.random() >= TUNING["missed_runs"]:
        lines = math.ceil((need / s.units_per_line_day + s.changeover_lines) / 0.5) * 0.5
        inv += (lines - s.changeover_lines) * s.units_per_line_day
    return max(0.0, inv - demand)


def generate_sample(out_dir, scale: int = 1, seed: int = DEFAULT_SEED,
                    start: date = DEFAULT_START, end: date = DEFAULT_END,
                    inventory_every_days: int = 1) -> dict[str, int]:
    """Write the six CSV files into out_dir; returns data rows written per file."""
    if scale < 1:
        raise ValueError("scale must be >= 1")
    if end < start:
        raise ValueError("end must not be before start")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sites = build_items(scale, seed)
    defaults, overrides = write_staffing(out, sites, seed, start, end)
    forecasts, inventory = write_forecasts_and_inventory(out, sites, seed, start, end,
                                                         inventory_every_days)
    return {
        "items": write_items(out, sites, seed),
        "dc_mapping": write_dc_mapping(out, seed),
        "staffing_defaults": defaults,
        "staffing": overrides,
        "forecasts": forecasts,
        "inventory_snapshot": inventory,
    }
