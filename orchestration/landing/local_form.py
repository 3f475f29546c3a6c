"""The local form of the sources (CSV files in PST_LOCAL_DATA_DIR)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dagster import ConfigurableResource

from orchestration import settings
from orchestration.landing import local_files, specs
from orchestration.sample_data.default import ensure_default_sample
from orchestration.landing.tabular import LandingRow


class LocalFormSources(ConfigurableResource):
    """CSV stand-ins for Sheets, Supplybuy and the ERP table.

    data_dir empty = PST_LOCAL_DATA_DIR, or the generated sample.
    """

    data_dir: str = ""

    def directory(self) -> Path:
        if self.data_dir:
            return Path(self.data_dir).resolve()
        ensure_default_sample()
        return settings.local_data_dir()

    def sheet_tab(self, tab: specs.SheetTab) -> tuple[list[str], list[LandingRow]]:
        return local_files.sheet_tab_rows(self.directory(), tab)

    def forecast_records(self, run_date: date, horizon_days: int, demand_window_days: int):
        return local_files.forecast_records(self.directory(), run_date, horizon_days,
                                            demand_window_days)

    def inventory_rows(self):
        return local_files.inventory_rows(self.directory())

    def inventory_file(self) -> Path:
        return self.directory() / specs.INVENTORY_CSV
