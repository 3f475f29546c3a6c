"""The local Dagster instance (DAGSTER_HOME): SQLite storage, no telemetry,
and one schedule build at a time."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration import settings

# The stg2 stage tables hold one run_date at a time, so two partitions must not
# run dbt concurrently (a backfill queues them): the dbt step's pool has limit 1.
DAGSTER_YAML = """\
# Written by the platform (orchestration/local_instance.py); edits are overwritten.
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
"""


def prepare_dagster_home() -> Path:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.pst_home() / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    return home
