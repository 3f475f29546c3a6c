"""Partition + run configuration -> dbt command line and environment (pure, unit-tested).

Everything a build depends on travels explicitly with each dbt invocation: H/W/R
in `--vars`, the run_date (the partition) in the subprocess's own environment as
PST_DBT_RUN_DATE (D78: a new `--vars` each day would make dbt parse the whole
project again on every invocation). Under Dagster the models refuse to build
without a run_date (macros/run_configuration.sql); an analyst's plain
`dbt build` without one builds today's (plant time), and `--vars
'{run_date: ...}'` still wins over the environment.
"""

from __future__ import annotations

import json
from datetime import date

RUN_DATE_ENV = "PST_DBT_RUN_DATE"


def dbt_vars(horizon_days: int, demand_window_days: int,
             line_rounding_increment: float) -> dict[str, object]:
    return {
        "horizon_days": int(horizon_days),
        "demand_window_days": int(demand_window_days),
        # Passed as text so dbt's numeric SQL sees exactly what was configured (0.5, not 0.50000001).
        "line_rounding_increment": format_increment(line_rounding_increment),
    }


def dbt_run_env(run_date: date) -> dict[str, str]:
    """The environment of one dbt invocation for run_date."""
    return {RUN_DATE_ENV: run_date.isoformat()}


def format_increment(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def dbt_build_args(horizon_days: int, demand_window_days: int,
                   line_rounding_increment: float) -> list[str]:
    variables = dbt_vars(horizon_days, demand_window_days, line_rounding_increment)
    # dbt unit tests check the SQL, not the day's data: CI runs them, the daily build does not.
    return ["build", "--vars", json.dumps(variables, sort_keys=True),
            "--exclude-resource-type", "unit_test"]
