"""The local Dagster instance (DAGSTER_HOME): SQLite storage, no telemetry,
one run at a time, one schedule build at a time.

`dagster.yaml` is the user's file: the platform adds the settings it needs
when they are missing and never overwrites a value someone set (raise
`code_servers.local_startup_timeout`, allow two runs at once, ... and it stays).
The first initialisation of a new home happens once, under a file lock, so two
processes starting together cannot both create its storage.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import yaml
from filelock import FileLock

from orchestration import settings

# What the platform needs of a local instance, and why:
# - concurrency.runs: the stg2 stage tables hold the run being built and the machine has
#   2 cores, so runs (a backfill's partitions, the daily run) queue one at a time;
# - concurrency.pools: the dbt steps' pool `pst_schedule_build` (limit 1) keeps
#   dbt builds serial also where several runs may run (D30);
# - code_servers: loading the code location reads the dbt manifest; on a busy
#   machine that can take longer than Dagster's default 180 s start timeout.
PLATFORM_SETTINGS: dict = {
    "telemetry": {"enabled": False},
    "concurrency": {"runs": {"max_concurrent_runs": 1}, "pools": {"default_limit": 1}},
    "code_servers": {"local_startup_timeout": 600},
}
HEADER = ("# Local Dagster instance of the Production Scheduling Tool.\n"
          "# orchestration/local_instance.py adds the settings the platform needs when\n"
          "# they are missing; values you set here are kept.\n")
_OLD_MARKER = "# Written by the platform (orchestration/local_instance.py); edits are overwritten."


def with_platform_settings(current: dict | None) -> dict:
    """`current` with every missing platform setting filled in (set values win)."""
    merged = copy.deepcopy(current or {})

    def fill(target: dict, defaults: dict) -> None:
        for key, value in defaults.items():
            if isinstance(value, dict) and isinstance(target.get(key), dict):
                fill(target[key], value)
            elif target.get(key) is None:
                target[key] = copy.deepcopy(value)

    fill(merged, PLATFORM_SETTINGS)
    return merged


def _write_config(config: Path) -> None:
    text = config.read_text() if config.exists() else ""
    if text.startswith(_OLD_MARKER):
        text = ""  # written (and owned) by an earlier version of the platform
    current = (yaml.safe_load(text) if text.strip() else None) or {}
    merged = with_platform_settings(current)
    if text and merged == current:
        return
    missing_blocks = {k: v for k, v in merged.items() if k not in current}
    if text and all(merged[k] == v for k, v in current.items()):
        # only whole settings are missing: append them, keeping the file as written
        config.write_text(text.rstrip("\n") + "\n" + yaml.safe_dump(missing_blocks, sort_keys=False))
    else:
        config.write_text(HEADER + yaml.safe_dump(merged, sort_keys=False))


def is_platform_managed(config: Path) -> bool:
    """The platform looks after a dagster.yaml it wrote (its header is kept when
    people edit the file); any other instance configuration is left alone."""
    if not config.exists():
        return True
    first_line = config.read_text().split("\n", 1)[0]
    return first_line in (HEADER.split("\n", 1)[0], _OLD_MARKER)


def prepare_dagster_home() -> Path:
    """The local instance's dagster.yaml and storage, created once. An instance
    configured by someone else (the container's PostgreSQL-backed
    deploy/dagster.yaml) is left as it is."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.pst_home() / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    with FileLock(str(home / ".platform-init.lock")):
        if not is_platform_managed(config):
            return home
        _write_config(config)
        storage_ready = home / ".platform-storage-ready"
        if not storage_ready.exists():
            from dagster import DagsterInstance  # noqa: PLC0415 - slow import, needed once

            with DagsterInstance.get():  # creates (and migrates) the SQLite storage
                pass
            storage_ready.touch()
    return home
