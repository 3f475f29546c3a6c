import json
from datetime import date

from orchestration.defs.dbt.args import dbt_build_args, dbt_vars, format_increment


def test_run_configuration_and_the_partition_become_dbt_vars():
    assert dbt_vars(date(2026, 11, 23), 31, 7, 0.5) == {
        "run_date": "2026-11-23",
        "horizon_days": 31,
        "demand_window_days": 7,
        "line_rounding_increment": "0.5",
    }


def test_build_args_carry_the_run_date_explicitly():
    args = dbt_build_args(date(2026, 11, 24), horizon_days=10, demand_window_days=3,
                          line_rounding_increment=0.25)
    assert args[:2] == ["build", "--vars"]
    assert args[3:] == ["--exclude-resource-type", "unit_test"]
    assert json.loads(args[2]) == {"run_date": "2026-11-24", "horizon_days": 10,
                                   "demand_window_days": 3, "line_rounding_increment": "0.25"}


def test_increment_keeps_the_typed_digits():
    assert format_increment(1.0) == "1"
    assert format_increment(0.1) == "0.1"
    assert format_increment(0.5) == "0.5"
