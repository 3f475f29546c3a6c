"""`python -m orchestration.landing.local_load --data-dir DIR --run-date D`.

Lands every local-form file for one run_date, outside Dagster: a developer's
shortcut for working on the dbt models. Dagster's assets call the same functions.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timezone
from pathlib import Path

from orchestration import settings
from orchestration.landing import inventory_file, landing, local_files, specs
from orchestration.warehouse import connect, ensure_warehouse


def land_local_form(data_dir: Path, run_date: date, horizon_days: int = 31,
                    demand_window_days: int = 7) -> dict[str, int]:
    target = ensure_warehouse()
    loaded_at = datetime.now(timezone.utc)
    counts: dict[str, int] = {}
    with connect(target) as conn:
        for tab in specs.SHEET_TABS.values():
            extra_columns, rows = local_files.sheet_tab_rows(data_dir, tab)
            counts[".".join(tab.raw_table)] = landing.land_sheet_tab(
                conn, tab, rows, run_date, loaded_at, extra_columns)
        records = local_files.forecast_records(data_dir, run_date, horizon_days, demand_window_days)
        counts["raw.supplybuy_forecasts"] = landing.land_forecasts(conn, records, run_date, loaded_at)
        load = inventory_file.land_inventory_file(
            conn, inventory_file.file_digest(data_dir / specs.INVENTORY_CSV),
            lambda: local_files.inventory_rows(data_dir), run_date, loaded_at)
        counts["erp.inventory_snapshot"] = load.landed
        counts["raw.erp_inventory_snapshot_rejects"] = load.rejected
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--run-date", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    data_dir = args.data_dir or settings.local_data_dir()
    run_date = args.run_date or settings.plant_today()
    for table, count in land_local_form(data_dir, run_date).items():
        print(f"{table:40s} {count:>10,d}")


if __name__ == "__main__":
    main()
