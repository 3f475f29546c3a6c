"""Partition + run configuration → dbt command line (pure, unit-tested)."""

from __future__ import annotations

import json
from datetime import date


def dbt_vars(run_date: date, horizon_days: int, demand_window_days: int,
             line_rounding_increment: float) -> dict[str, object]:
    return {
        "run_date": run_date.isoformat(),
        "horizon_days": int(horizon_days),
        "demand_window_days": int(demand_window_days),
        # Passed as text so dbt's numeric SQL sees exactly what was configured (0.5, not 0.50000001).
        "line_rounding_increment": format_increment(line_rounding_increment),
    }


def format_increment(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def dbt_build_args(run_date: date, horizon_days: int = 31, demand_window_days: int = 7,
                   line_rounding_increment: float = 0.5) -> list[str]:
    variables = dbt_vars(run_date, horizon_days, demand_window_days, line_rounding_increment)
    # dbt unit tests check the SQL, not the day's data: CI runs them, the daily build does not.
    return ["build", "--vars", json.dumps(variables, sort_keys=True),
            "--exclude-resource-type", "unit_test"]
