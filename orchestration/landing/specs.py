"""What each source looks like when it lands: tab/file names, required columns, raw tables.

The single place that names the columns of sources.md; loaders, fetchers and
tests import it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SheetTab:
    """One tab of the configuration workbook (or its CSV stand-in)."""

    name: str
    required_columns: tuple[str, ...]

    @property
    def raw_table(self) -> tuple[str, str]:
        return ("raw", f"sheets_{self.name}")

    @property
    def csv_file(self) -> str:
        return f"{self.name}.csv"


SHEET_TABS: dict[str, SheetTab] = {
    tab.name: tab
    for tab in (
        SheetTab("staffing", ("manufacturing_location", "line_type", "dt", "lines_staffed")),
        SheetTab(
            "staffing_defaults",
            ("manufacturing_location", "line_type", "day_of_week", "lines_staffed"),
        ),
        SheetTab(
            "items",
            (
                "item_id", "item_name", "manufacturing_location", "line_type", "is_automated",
                "units_per_line_day", "changeover_lines", "safety_stock_days",
                "target_days_of_supply", "is_active",
            ),
        ),
        SheetTab("dc_mapping", ("distribution_center", "manufacturing_location")),
    )
}

FORECAST_COLUMNS = ("item_id", "distribution_center", "forecast_date", "forecast_units")
FORECAST_RAW_TABLE = ("raw", "supplybuy_forecasts")
FORECAST_CSV = "forecasts.csv"

INVENTORY_COLUMNS = ("item_id", "distribution_center", "snapshot_dt", "on_hand_units")
INVENTORY_TABLE = ("erp", "inventory_snapshot")
INVENTORY_REJECTS_TABLE = ("raw", "erp_inventory_snapshot_rejects")
INVENTORY_CSV = "inventory_snapshot.csv"
# local form: which inventory_snapshot.csv erp.inventory_snapshot holds (one row, D74)
INVENTORY_FILE_TABLE = ("raw", "erp_inventory_snapshot_file")

# One row per (source, snapshot_dt) landed, even when the snapshot has no rows:
# an empty tab or pull is still the snapshot in force for its run_date.
LOADS_TABLE = ("raw", "source_loads")
