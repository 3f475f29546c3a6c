"""Thresholds of the alarm catalog (qa.md), as run configuration with the spec's defaults."""

from __future__ import annotations

from dagster import ConfigurableResource
from pydantic import Field


class MonitoringSettings(ConfigurableResource):
    row_count_baseline_run_dates: int = Field(
        default=7, ge=1, description="previous run_dates averaged for the row-count checks")
    row_count_critical_ratio: float = Field(
        default=0.5, description="tomorrow's rows below this share of the average: P1, blocks")
    row_count_warning_ratio: float = Field(
        default=0.8, description="below this share (20% drop): P2 warning")
    accept_row_count_drop: bool = Field(
        default=False, description="operator override after review: publish a genuine drop "
                                   "(reported as a P2 warning instead of blocking)")
    capacity_overflow_ratio: float = Field(
        default=0.3, description="share of tomorrow's candidates over capacity that alerts")
    freshness_hours: float = Field(default=24, description="max age of an input's snapshot")
    history_max_rows: int = Field(default=10_000, description="*_history table size that alerts")
    staffing_lookahead_days: int = Field(
        default=3, description="missing staffing on one of the next N plan dates alerts")
