"""schema-drift-detected for warehouse tables, one mechanism: Dagster's
`build_column_schema_change_checks`, which compares the column schema
(`dagster/column_schema`) of an asset's latest materialization with the previous
one. The landing assets attach the live columns of their raw table
(defs/sources.py `column_schema`), the dbt
models theirs (dagster-dbt's `fetch_column_metadata`). The Sheets tabs'
headers are checked against sources.md by defs/sheets/checks.py.

Why this one (D55): the hand-written baseline and the Soda schema checks it
replaces needed a file edit for every deliberate change and raised the same
drift up to three times.
"""

from dagster import AssetChecksDefinition, AssetKey
from dagster import build_column_schema_change_checks

from orchestration.landing import specs

CHECK_NAME = "column_schema_change"  # the name Dagster gives these checks

MONITORED = [
    *[AssetKey(list(tab.raw_table)) for tab in specs.SHEET_TABS.values()],
    AssetKey(list(specs.FORECAST_RAW_TABLE)),
    AssetKey(list(specs.INVENTORY_TABLE)),
    AssetKey(["stg2", "fact_production_schedule_staged"]),
    AssetKey(["dwh", "fact_production_schedule"]),
    AssetKey(["stg2", "ps_qa_inputs"]),
    AssetKey(["stg2", "ps_qa_missing_inputs"]),
    AssetKey(["stg2", "ps_fps_errors"]),
    AssetKey(["stg2", "production_capacity_alerting"]),
]


def schema_drift_checks() -> list[AssetChecksDefinition]:
    return list(build_column_schema_change_checks(assets=MONITORED))
