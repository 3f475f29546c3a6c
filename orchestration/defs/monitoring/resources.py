"""The alarm thresholds as run configuration (a run may override them in the
launchpad). Built from the settings (orchestration/settings.py `Thresholds`), which
hold every number once: the field defaults below refer to it."""

from __future__ import annotations

from dataclasses import fields

from dagster import ConfigurableResource
from pydantic import Field

from orchestration.settings import Thresholds

_T = Thresholds


class MonitoringSettings(ConfigurableResource):
    row_count_baseline_run_dates: int = Field(
        default=_T.row_count_baseline_run_dates, ge=1,
        description="previous run_dates averaged for the row-count checks")
    row_count_critical_share: float = Field(
        default=_T.row_count_critical_share,
        description="tomorrow's rows below this share of their average: P1, blocks the publish")
    row_count_warning_drop: float = Field(
        default=_T.row_count_warning_drop,
        description="the run's rows this much below their average: P2 warning")
    accept_row_count_drop: bool = Field(
        default=False, description="operator override after review: publish a genuine drop "
                                   "(reported as a P2 warning instead of blocking)")
    duration_history_days: int = Field(default=_T.duration_history_days, ge=1,
                                       description="days of successful runs averaged")
    duration_min_runs: int = Field(default=_T.duration_min_runs, ge=1,
                                   description="runs needed before durations are judged")
    duration_slow_ratio: float = Field(default=_T.duration_slow_ratio,
                                       description="P3 from this multiple of the average")
    duration_anomaly_ratio: float = Field(default=_T.duration_anomaly_ratio,
                                          description="P2 above this multiple of the average")
    duration_min_excess_seconds: float = Field(
        default=_T.duration_min_excess_seconds,
        description="a run counts as slow only if it also exceeds the average by this much")
    capacity_overflow_share: float = Field(
        default=_T.capacity_overflow_share,
        description="share of tomorrow's candidates over capacity that alerts")
    freshness_hours: float = Field(default=_T.freshness_hours,
                                   description="max age of an input's snapshot")
    history_max_rows: int = Field(default=_T.history_max_rows,
                                  description="*_history table size that alerts")
    staffing_lookahead_days: int = Field(
        default=_T.staffing_lookahead_days,
        description="missing staffing on one of the next N plan dates alerts")
    parallel_run_max_mismatch_share: float = Field(
        default=_T.parallel_run_max_mismatch_share,
        description="the parallel run: a run_date matches the legacy schedule when at most "
                    "this share of its rows differ (dbt_project.yml's var says the same)")

    @classmethod
    def from_thresholds(cls, t: Thresholds) -> "MonitoringSettings":
        return cls(**{f.name: getattr(t, f.name) for f in fields(Thresholds)})

    def thresholds(self) -> Thresholds:
        return Thresholds(**{f.name: getattr(self, f.name) for f in fields(Thresholds)})
