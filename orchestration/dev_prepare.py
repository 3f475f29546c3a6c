"""`python -m orchestration.dev_prepare`: what `make dev` does before `dagster dev`.

The Dagster home (dagster.yaml, storage), the sample and the dbt manifest are
prepared here, once, so that no process `dagster dev` starts (code server, run
workers) parses dbt or initialises storage while importing the definitions.
"""

from __future__ import annotations

import argparse

from orchestration.console import Console
from orchestration.local_instance import prepare_dagster_home
from orchestration.run import ensure_dbt_manifest, ensure_local_data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="make dev")
    parser.add_argument("--port", default="3000")
    port = parser.parse_args(argv).port
    console = Console()
    with console.timed("home") as stage:
        stage.detail = str(prepare_dagster_home())
    with console.timed("sample") as stage:
        stage.detail = f"local sources in {ensure_local_data()}"
    with console.timed("dbt manifest") as stage:
        stage.detail = "parsed (a dbt file changed)" if ensure_dbt_manifest() else "up to date"
    console.note(f"starting dagster dev: UI and daemon on http://127.0.0.1:{port} (Ctrl-C stops)")


if __name__ == "__main__":
    main()
