"""Partition + run configuration → dbt command line (pure, unit-tested).

Everything a build depends on travels in `--vars`, explicitly, for each dbt
invocation: the run_date (the partition) and H/W/R. Under Dagster the models
refuse to build without a run_date (macros/run_configuration.sql); an analyst's
plain `dbt build` without one builds today's (plant time).
"""

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


def dbt_build_args(run_date: date, horizon_days: int, demand_window_days: int,
                   line_rounding_increment: float) -> list[str]:
    variables = dbt_vars(run_date, horizon_days, demand_window_days, line_rounding_increment)
    # dbt unit tests check the SQL, not the day's data: CI runs them, the daily build does not.
    return ["build", "--vars", json.dumps(variables, sort_keys=True),
            "--exclude-resource-type", "unit_test"]
