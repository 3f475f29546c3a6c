"""The local form of sources.md: CSV files standing in for Sheets, Supplybuy and the ERP."""

from __future__ import annotations

import csv
import functools
from datetime import date, timedelta
from pathlib import Path

from orchestration.landing import specs
from orchestration.landing.tabular import LandingRow, landing_rows, map_header
from orchestration.landing.text_rules import (
    has_unstorable,
    parse_iso_date,
    parse_plain_number,
    trim,
)


def require_file(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"{path.name}: file not found in {path.parent} (PST_LOCAL_DATA_DIR)")
    return path


def read_grid(path: Path) -> list[list[str]]:
    require_file(path)
    # An undecodable byte becomes a lone surrogate (surrogateescape) instead of
    # failing the whole file; landing_rows marks it like any unstorable character (D63).
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as handle:
        return [row for row in csv.reader(handle)]


def sheet_tab_rows(data_dir: Path, tab: specs.SheetTab) -> tuple[list[str], list[LandingRow]]:
    """(extra columns, rows) of the tab's CSV stand-in."""
    header_map, rows = landing_rows(f"{tab.csv_file} (tab '{tab.name}')",
                                    read_grid(data_dir / tab.csv_file), tab.required_columns)
    return header_map.extra_columns, rows


def forecast_window(run_date: date, horizon_days: int, demand_window_days: int) -> list[date]:
    """The forecast dates a pull for run_date requests: run_date+1 .. run_date+H+W-1."""
    return [run_date + timedelta(days=i) for i in range(1, horizon_days + demand_window_days)]


def forecast_records(data_dir: Path, run_date: date, horizon_days: int, demand_window_days: int):
    """forecasts.csv as the pull of run_date: rows of the window, plus rows whose
    date cannot be read (kept so the QA table reports them, decision D9)."""
    window = set(forecast_window(run_date, horizon_days, demand_window_days))
    parse_date = functools.lru_cache(maxsize=4096)(parse_iso_date)  # few distinct dates, many rows

    def in_window_or_unreadable(header_map):
        index = header_map.required["forecast_date"]

        def keep(raw) -> bool:
            day = parse_date(str(raw[index])) if index < len(raw) else None
            return day is None or day in window
        return keep

    grid = read_grid(data_dir / specs.FORECAST_CSV)
    # the file holds every date (~250k rows at scale 1); a pull keeps ~10 % of them
    header_map, rows = landing_rows(specs.FORECAST_CSV, grid, specs.FORECAST_COLUMNS,
                                    keep=in_window_or_unreadable)
    updated_at_index = header_map.extra.get("updated_at")
    records = []
    for row in rows:
        updated_at = grid[row.row_number - 1][updated_at_index] if updated_at_index is not None else None
        records.append((*row.cells, updated_at, row.row_number))
    return records


def inventory_rows(data_dir: Path):
    """Typed rows for erp.inventory_snapshot and the rows that cannot be typed."""
    grid = read_grid(data_dir / specs.INVENTORY_CSV)
    _, rows = landing_rows(specs.INVENTORY_CSV, grid, specs.INVENTORY_COLUMNS)
    valid, rejects = [], []
    parse_date = functools.lru_cache(maxsize=4096)(parse_iso_date)
    for row in rows:
        item_id, dc, snapshot_text, units_text = (trim(c) for c in row.cells)
        snapshot_dt = parse_date(snapshot_text)
        units = parse_plain_number(units_text)
        # a key holding the marker of an unstorable character is not the key (D63)
        problems = [name for name, ok in (("item_id", item_id and not has_unstorable(item_id)),
                                          ("distribution_center", dc and not has_unstorable(dc)),
                                          ("snapshot_dt", snapshot_dt), ("on_hand_units", units is not None))
                    if not ok]
        if problems:
            rejects.append((row.row_number, *row.cells,
                            f"cannot read {', '.join(problems)}"))
        else:
            valid.append((item_id, dc, snapshot_dt, units))
    return valid, rejects


__all__ = ["forecast_records", "forecast_window", "inventory_rows", "map_header", "read_grid",
           "require_file", "sheet_tab_rows"]
