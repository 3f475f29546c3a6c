"""The local form of the sources (CSV files in PST_LOCAL_DATA_DIR)."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

from dagster import ConfigurableResource

from orchestration import settings
from orchestration.sources import local_files, specs
from orchestration.sources.tabular import LandingRow


def ensure_default_sample() -> None:
    """Without PST_LOCAL_DATA_DIR the platform runs on its generated sample:
    create it on first use (make run, dagster dev, or a container)."""
    if settings.local_data_dir() != settings.default_sample_dir():
        return
    sample = settings.default_sample_dir()
    if (sample / specs.FORECAST_CSV).exists():
        return
    from orchestration.sample_data.generate import generate_sample  # noqa: PLC0415

    # Parallel steps may all get here: each writes its own folder, the first rename wins.
    scratch = sample.with_name(f"{sample.name}.tmp-{os.getpid()}")
    generate_sample(scratch)
    try:
        scratch.rename(sample)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)


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
