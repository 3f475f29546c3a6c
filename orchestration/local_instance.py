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


_MARKER = DAGSTER_YAML.splitlines()[0]


def prepare_dagster_home() -> Path:
    """The local instance's dagster.yaml; an instance configured by someone else (the
    container's PostgreSQL-backed deploy/dagster.yaml) is left as it is."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.pst_home() / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or (config.read_text().startswith(_MARKER)
                               and config.read_text() != DAGSTER_YAML):
        config.write_text(DAGSTER_YAML)
    return home
