"""Partition + run configuration → dbt command line and environment (pure, unit-tested).

The run_date travels as the environment variable PST_RUN_DATE, H/W/R as --vars:
dbt re-parses the whole project whenever --vars change (~2 s per invocation),
but only the files that read an environment variable when that one changes,
and H/W/R stay the same from one daily run to the next. An explicit
`--vars '{run_date: ...}'` (an analyst's `dbt build`) still wins
(macros/run_configuration.sql).
"""

from __future__ import annotations

import json
from datetime import date

RUN_DATE_ENV = "PST_RUN_DATE"


def dbt_vars(horizon_days: int, demand_window_days: int,
             line_rounding_increment: float) -> dict[str, object]:
    return {
        "horizon_days": int(horizon_days),
        "demand_window_days": int(demand_window_days),
        # Passed as text so dbt's numeric SQL sees exactly what was configured (0.5, not 0.50000001).
        "line_rounding_increment": format_increment(line_rounding_increment),
    }


def dbt_env(run_date: date) -> dict[str, str]:
    return {RUN_DATE_ENV: run_date.isoformat()}


def format_increment(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def dbt_build_args(horizon_days: int = 31, demand_window_days: int = 7,
                   line_rounding_increment: float = 0.5) -> list[str]:
    variables = dbt_vars(horizon_days, demand_window_days, line_rounding_increment)
    # dbt unit tests check the SQL, not the day's data: CI runs them, the daily build does not.
    return ["build", "--vars", json.dumps(variables, sort_keys=True),
            "--exclude-resource-type", "unit_test"]
