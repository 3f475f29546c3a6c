"""`make bench` reads the daily run's stages from the console a person sees: the
two must keep agreeing on the line format."""

from benchmarks.daily_run import stage_seconds
from orchestration.console import stage_line


def test_stage_seconds_reads_the_console_lines_and_sums_repeated_stages():
    console = "\n".join([
        stage_line("sample", "local sources in /tmp/x", 0.0),
        stage_line("definitions", "49 assets, 207 checks", 1.6),
        stage_line("land", "6 sources, 99,223 rows", 2.0),
        stage_line("checks", "9 checks: 9 passed", 0.4),
        stage_line("build", "40 models built, dbt tests: 166 passed", 20.5),
        stage_line("checks", "8 checks: 8 passed", 0.5),
        stage_line("publish", "dwh.fact_production_schedule: 2,828 rows, dbt tests: 1 passed", 4.8),
        stage_line("warehouse", "embedded PostgreSQL postgres@/a/very/long/path/that/overflows/"
                                "the/detail/column/pgdata:5432/postgres", 0.6),
        "Production schedule for run_date 2026-11-01 built in 34.6 s (Dagster run b4d6).",
    ])
    assert stage_seconds(console) == {"definitions": 1.6, "land": 2.0, "checks": 0.9,
                                      "build": 20.5, "publish": 4.8, "warehouse": 0.6}
