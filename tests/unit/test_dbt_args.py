import json
from datetime import date

from orchestration.defs.dbt.args import (
    RUN_DATE_ENV, dbt_build_args, dbt_run_env, dbt_vars, format_increment,
)


def test_run_configuration_becomes_dbt_vars():
    assert dbt_vars(31, 7, 0.5) == {
        "horizon_days": 31,
        "demand_window_days": 7,
        "line_rounding_increment": "0.5",
    }


def test_the_partition_travels_in_the_invocations_environment():
    assert dbt_run_env(date(2026, 11, 24)) == {RUN_DATE_ENV: "2026-11-24"}


def test_build_args_carry_h_w_and_r_and_never_the_run_date():
    """The same --vars every day: dbt keeps its partial parse across partitions (D78)."""
    args = dbt_build_args(horizon_days=10, demand_window_days=3, line_rounding_increment=0.25)
    assert args[:2] == ["build", "--vars"]
    assert args[3:] == ["--exclude-resource-type", "unit_test"]
    assert json.loads(args[2]) == {"horizon_days": 10, "demand_window_days": 3,
                                   "line_rounding_increment": "0.25"}


def test_increment_keeps_the_typed_digits():
    assert format_increment(1.0) == "1"
    assert format_increment(0.1) == "0.1"
    assert format_increment(0.5) == "0.5"
