"""The sample's shape: plants, DCs, pools, the item mix and its tuning (what
generate.py writes out as the CSV files of the local form)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

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
# Staffed lines as a multiple of a pool's expected daily load, Monday .. Sunday,
# for automated and for manual line types.
STAFFING_FACTOR = {True: (1.20, 1.20, 1.20, 1.20, 1.15, 0.85, 0.75),
                   False: (1.30, 1.30, 1.30, 1.30, 1.25, 1.00, 0.90)}


def is_automated_line(line_type: str) -> bool:
    """Automated line types are the AUTO-* ones (also their numbered copies at scale > 1)."""
    return line_type.startswith("AUTO-")

TUNING = {
    "demand_median": 120.0,     # units/day of an item over its DCs
    "demand_sigma": 0.8,        # lognormal spread between items
    "rate_days_auto": (7.5, 15),  # one line-day produces this many days of demand
    "rate_days_manual": (5.5, 11),
    "forecast_noise": 0.15,     # +-15 % day to day
    "season_amplitude": 0.03,   # yearly cycle of demand
    "season_peak_day": 200,     # day of the year with the most demand (mid-July)
    "target_margin_manual": (0, 0, 1, 1, 2, 3),  # target - safety days, hand-planned items
    "warmup_days": 28,          # simulated plant days before the first snapshot
    "missed_runs": 0.05,        # share of simulated production runs that did not happen
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


def _site(rng: random.Random, item_id: str, name: str, plant, active: bool,
          scale: int) -> ItemSite:
    location, _, dcs, line_types = plant
    n_auto = sum(auto for _, auto in line_types)
    # 60 % of a plant's items run on its automated line types, 40 % on manual ones
    weights = [0.6 / n_auto if auto else 0.4 / (len(line_types) - n_auto)
               for _, auto in line_types]
    line_type, line_auto = rng.choices(line_types, weights)[0]
    if scale > 1:
        # scale N runs N groups of lines of each type (AUTO-FILL-001 ...), each the size
        # of the scale-1 pool, so the schedule keeps its shape and grows N-fold
        line_type = f"{line_type}-{rng.randrange(scale) + 1:0{len(str(scale))}d}"
    # a few items on automated lines are still planned by hand
    is_automated = line_auto and rng.random() < 0.9
    demand = min(3000.0, max(4.0, rng.lognormvariate(math.log(TUNING["demand_median"]),
                                                     TUNING["demand_sigma"])))
    low, high = TUNING["rate_days_auto" if is_automated else "rate_days_manual"]
    rate = _nice_rate(demand * rng.uniform(low, high))
    changeover = rng.choice((0.25, 0.5, 0.5, 0.75, 1.0) if line_auto else (0.0, 0.25, 0.5))
    safety = rng.choice((2, 3, 3, 4, 5))
    # hand-planned items keep a thinner margin over safety stock
    margins = (2, 3, 4, 4, 5, 6) if is_automated else TUNING["target_margin_manual"]
    target = safety + rng.choice(margins)
    sold_at = [dc for dc in dcs if rng.random() < 0.8] or [rng.choice(dcs)]
    shares = [rng.uniform(0.5, 1.5) for _ in sold_at]
    dc_demand = tuple((dc, demand * share / sum(shares)) for dc, share in zip(sold_at, shares))
    return ItemSite(item_id, name, location, line_type, is_automated, rate, changeover,
                    safety, target, active, dc_demand if active else ())


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
        sites.append(_site(rng, item_id, name, plant, active, scale))
        if active and rng.random() < 0.05:  # dual-sourced: also made at a second plant
            other = rng.choice([p for p in PLANTS if p is not plant])
            sites.append(_site(rng, item_id, name, other, True, scale))
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
    # calibrated: the reference scheduler's mean required lines are ~0.75 of this estimate
    return {key: 0.75 * load for key, load in loads.items()}


# --------------------------------------------------------------------------- text variety
