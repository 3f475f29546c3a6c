"""Deterministic, production-shaped sample of the local sources (sources.md "Local form").

Writes `staffing.csv`, `staffing_defaults.csv`, `items.csv`, `dc_mapping.csv`,
`forecasts.csv` and `inventory_snapshot.csv`. Same arguments, same bytes: all
randomness comes from `random.Random` seeded from `seed` (one stream per file,
so changing one file's recipe does not reshuffle the others), no wall clock.

Shape (scale 1): 4 plants, 10 DCs, 10 pools (automated and manual line types),
~300 item rows, daily forecasts with weekly and yearly seasonality, weekly
inventory snapshots. Tuned with the reference scheduler so that a run with
H=31, W=7, R=0.5 yields about 2,900 schedule rows with some capacity overflow.
`scale` multiplies the items and the staffed lines, so row counts scale with it.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from orchestration.sources.text_rules import CSV_COLUMNS, TAB_COLUMNS

DEFAULT_OUT_DIR = Path(".pst/sample")
DEFAULT_SEED = 20261123
DEFAULT_START = date(2026, 1, 1)
DEFAULT_END = date(2027, 2, 15)
ITEMS_PER_SCALE = 300

# location, share of items, DCs it serves, line types (name, automated)
PLANTS = (
    ("PLANT-ATL", 0.32, ("DC-01", "DC-02", "DC-03"),
     (("AUTO-FILL", True), ("AUTO-PACK", True), ("MANUAL-ASSY", False))),
    ("PLANT-DAL", 0.26, ("DC-04", "DC-05", "DC-06"),
     (("AUTO-FILL", True), ("MANUAL-ASSY", False))),
    ("PLANT-RNO", 0.18, ("DC-07", "DC-08"),
     (("AUTO-PACK", True), ("MANUAL-ASSY", False))),
    ("PLANT-COL", 0.24, ("DC-09", "DC-10"),
     (("AUTO-FILL", True), ("MANUAL-ASSY", False), ("MANUAL-KIT", False))),
)
WEEKDAY_DEMAND = (1.12, 1.06, 1.0, 1.02, 1.10, 0.92, 0.78)  # Monday .. Sunday
# Staffed lines as a multiple of a pool's expected daily load, Monday .. Sunday.
STAFFING_FACTOR = (1.25, 1.25, 1.25, 1.25, 1.20, 0.90, 0.60)
TUNING = {
    "demand_median": 120.0,     # units/day of an item over its DCs
    "demand_sigma": 0.8,        # lognormal spread between items
    "rate_days_auto": (7, 14),  # one line-day produces this many days of demand
    "rate_days_manual": (5, 10),
    "forecast_noise": 0.15,     # +-15 % day to day
    "season_amplitude": 0.05,   # yearly, peak in late November
    "inventory_short": 0.12,    # share of snapshots below safety stock
    "inventory_excess": 0.10,   # share of snapshots well above target
}

ADJECTIVES = ("Classic", "Organic", "Sparkling", "Premium", "Lite", "Family", "Mini", "Zesty",
              "Golden", "Country", "Fresh", "Double")
PRODUCTS = ("Lemonade", "Cola", "Iced Tea", "Granola", "Crackers", "Salsa", "Peanut Butter",
            "Oat Bar", "Tomato Soup", "Hot Sauce", "Cold Brew", "Trail Mix")
SIZES = ("12 oz", "16 oz", "24 ct", "1 L", "2 L", "6-pack", "family size", "8 ct")


@dataclass(frozen=True)
class ItemSite:
    """One `items` row: an item made at one location, with its demand per DC."""

    item_id: str
    item_name: str
    location: str
    line_type: str
    is_automated: bool
    units_per_line_day: int
    changeover_lines: float
    safety_stock_days: int
    target_days_of_supply: int
    is_active: bool
    dc_demand: tuple[tuple[str, float], ...]  # (DC, mean units/day)


# --------------------------------------------------------------------------- the world


def _nice_rate(x: float) -> int:
    """Round a line rate the way a planner would type it (two significant digits)."""
    step = 10 if x < 1000 else 50 if x < 5000 else 100
    return max(step, int(round(x / step)) * step)


def _site(rng: random.Random, item_id: str, name: str, plant, active: bool) -> ItemSite:
    location, _, dcs, line_types = plant
    weights = [0.6 / sum(a for _, a in line_types) if auto else 0.4 / sum(not a for _, a in line_types)
               for _, auto in line_types]
    line_type, line_auto = rng.choices(line_types, weights)[0]
    # a few items on automated lines are still planned by hand
    is_automated = line_auto and rng.random() < 0.9
    demand = min(3000.0, max(4.0, rng.lognormvariate(math.log(TUNING["demand_median"]),
                                                     TUNING["demand_sigma"])))
    low, high = TUNING["rate_days_auto" if is_automated else "rate_days_manual"]
    rate = _nice_rate(demand * rng.uniform(low, high))
    changeover = rng.choice((0.25, 0.5, 0.5, 0.75, 1.0) if line_auto else (0.0, 0.25, 0.5))
    safety = rng.choice((2, 3, 3, 4, 5))
    # hand-planned items keep a thinner margin over safety stock
    target = safety + rng.choice((2, 3, 4, 4, 5, 6) if is_automated else (0, 1, 1, 2, 3, 4))
    sold_at = [dc for dc in dcs if rng.random() < 0.8] or [rng.choice(dcs)]
    shares = [rng.uniform(0.5, 1.5) for _ in sold_at]
    dc_demand = tuple((dc, demand * s / sum(shares)) for dc, s in zip(sold_at, shares)) if active else ()
    return ItemSite(item_id, name, location, line_type, is_automated, rate, changeover,
                    safety, target, active, dc_demand)


def build_items(scale: int, seed: int) -> list[ItemSite]:
    rng = random.Random(f"{seed}:items")
    n_items = ITEMS_PER_SCALE * scale
    width = max(4, len(str(n_items)))
    sites = []
    for n in range(1, n_items + 1):
        item_id = f"I-{n:0{width}d}"
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(PRODUCTS)}, {rng.choice(SIZES)}"
        plant = rng.choices(PLANTS, [p[1] for p in PLANTS])[0]
        active = rng.random() > 0.03  # a few discontinued items, without demand
        sites.append(_site(rng, item_id, name, plant, active))
        if active and rng.random() < 0.05:  # dual-sourced: also made at a second plant
            other = rng.choice([p for p in PLANTS if p is not plant])
            sites.append(_site(rng, item_id, name, other, True))
    return sites


def pool_loads(sites: list[ItemSite]) -> dict[tuple[str, str], float]:
    """Expected lines a pool needs per day: production plus changeovers (R = 0.5)."""
    loads: dict[tuple[str, str], float] = {}
    for s in sites:
        demand = sum(u for _, u in s.dc_demand)
        key = (s.location, s.line_type)
        if demand <= 0:
            loads.setdefault(key, 0.0)
            continue
        # a served item is over target by ~half an R-step of production on average,
        # so it comes back as a candidate every `cycle` days
        cycle = 1 + 0.25 * s.units_per_line_day / demand
        loads[key] = loads.get(key, 0.0) + demand / s.units_per_line_day \
            + (s.changeover_lines + 0.25) / cycle
    return loads


# --------------------------------------------------------------------------- text variety


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


def default_lines(loads, scale: int) -> dict[tuple[str, str, int], int]:
    """Lines staffed per pool and ISO weekday: sized from the load, fewer on weekends."""
    lines = {}
    for (location, line_type), load in sorted(loads.items()):
        for dow in range(1, 8):
            lines[(location, line_type, dow)] = max(scale, round(load * STAFFING_FACTOR[dow - 1]))
    return lines


def write_staffing(out: Path, sites, scale: int, seed: int, start: date, end: date):
    """staffing_defaults.csv and staffing.csv (explicit overrides: holidays, overtime, maintenance)."""
    rng = random.Random(f"{seed}:staffing")
    defaults = default_lines(pool_loads(sites), scale)
    handle, w = _writer(out / "staffing_defaults.csv", TAB_COLUMNS["staffing_defaults"])
    with handle:
        for (location, line_type, dow), n in defaults.items():
            w.writerow([_pad(rng, location), _pad(rng, line_type), str(dow), _fmt_number(rng, n)])
    pools = sorted({(loc, lt) for loc, lt, _ in defaults})
    automated = {lt for plant in PLANTS for lt, auto in plant[3] if auto}
    days = {d: name for year in range(start.year, end.year + 1)
            for d, name in holidays(year).items() if start <= d <= end}
    overrides = 0
    handle, w = _writer(out / "staffing.csv", TAB_COLUMNS["staffing"])
    with handle:
        for d in _dates(start, end):
            for location, line_type in pools:
                base = defaults[(location, line_type, d.isoweekday())]
                if d in days:  # automated lines run a skeleton crew, manual lines stop
                    n = round(base * 0.4) if line_type in automated else 0
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
    """Yearly demand cycle, peak around Thanksgiving (rounded: stable across libm)."""
    phase = 2 * math.pi * (d.timetuple().tm_yday - 330) / 365.25
    return round(1 + TUNING["season_amplitude"] * math.cos(phase), 4)


def write_forecasts(out: Path, sites, seed: int, start: date, end: date) -> int:
    """Daily forecast per (item, DC of the item's plant); streamed day by day."""
    rng = random.Random(f"{seed}:forecasts")
    pairs = [(s.item_id, dc, units) for s in sites for dc, units in s.dc_demand]
    noise = TUNING["forecast_noise"]
    low, span = 1 - noise, 2 * noise
    rows = 0
    with (out / "forecasts.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write(",".join(CSV_COLUMNS["forecasts"]) + "\n")
        for d in _dates(start, end):
            day = d.isoformat()
            factor = WEEKDAY_DEMAND[d.weekday()] * _season(d)
            random_ = rng.random
            handle.write("".join(
                f"{item_id},{dc},{day},{units * factor * (low + span * random_()):.1f}\n"
                for item_id, dc, units in pairs))
            rows += len(pairs)
    return rows


def write_inventory(out: Path, sites, seed: int, start: date, end: date, every_days: int) -> int:
    """ERP snapshots every `every_days` days, the first on or before `start` (a Sunday
    for weekly ones), so every run_date in [start, end] has an inventory as of it."""
    rng = random.Random(f"{seed}:inventory")
    first = start - timedelta(days=start.isoweekday() % 7) if every_days == 7 else start
    rows = 0
    with (out / "inventory_snapshot.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write(",".join(CSV_COLUMNS["inventory_snapshot"]) + "\n")
        snapshot = first
        while snapshot <= end:
            day = snapshot.isoformat()
            lines = []
            for s in sites:
                if not s.dc_demand:
                    continue
                # days of supply on hand: mostly the steady state of the production cycle
                # (target plus what the last R-rounded batch left over), some short, some excess
                demand = sum(u for _, u in s.dc_demand)
                overshoot = 0.5 * s.units_per_line_day / demand
                target = s.target_days_of_supply
                r = rng.random()
                if r < TUNING["inventory_short"]:
                    dos = rng.uniform(0.3 * s.safety_stock_days, s.safety_stock_days)
                elif r < 1 - TUNING["inventory_excess"]:
                    dos = target + rng.uniform(-0.5, overshoot)
                else:
                    dos = target + overshoot + rng.uniform(1, 10)
                for dc, units in s.dc_demand:
                    on_hand = round(units * dos * rng.uniform(0.8, 1.2))
                    lines.append(f"{s.item_id},{dc},{day},{on_hand}\n")
            handle.write("".join(lines))
            rows += len(lines)
            snapshot += timedelta(days=every_days)
    return rows


def generate_sample(out_dir, scale: int = 1, seed: int = DEFAULT_SEED,
                    start: date = DEFAULT_START, end: date = DEFAULT_END,
                    inventory_every_days: int = 7) -> dict[str, int]:
    """Write the six CSV files into out_dir; returns data rows written per file."""
    if scale < 1:
        raise ValueError("scale must be >= 1")
    if end < start:
        raise ValueError("end must not be before start")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sites = build_items(scale, seed)
    defaults, overrides = write_staffing(out, sites, scale, seed, start, end)
    return {
        "items": write_items(out, sites, seed),
        "dc_mapping": write_dc_mapping(out, seed),
        "staffing_defaults": defaults,
        "staffing": overrides,
        "forecasts": write_forecasts(out, sites, seed, start, end),
        "inventory_snapshot": write_inventory(out, sites, seed, start, end, inventory_every_days),
    }
