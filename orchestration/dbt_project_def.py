"""The one DbtProject of the code location.

Its manifest is prepared once, before Dagster starts, never while the
definitions load: `make run` / `make dev` / the test session prepare it when a
dbt file changed (orchestration/manifest.py), the Docker image with
`dagster-dbt project prepare-and-package --file orchestration/dbt_project_def.py`.
Loading the definitions is then a file read in every process that imports them
(code server, run worker), not a `dbt parse` behind a lock.

Dagster's dbt files live in their own folders under dbt_project/target/
(`dagster/` for the manifest the code location loads, `dagster_runs/` for the
runs), so an analyst's `dbt build` in dbt_project/ (which writes target/)
never replaces the manifest the code location reads.
"""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

MANIFEST_TARGET_PATH = Path("target") / "dagster"
RUNS_TARGET_PATH = DBT_PROJECT_DIR / "target" / "dagster_runs"


def _put_this_environments_dbt_on_path() -> None:
    """dagster-dbt (DbtCliResource, the preparer) looks for `dbt` on PATH; a
    `.venv/bin/dagster dev` started without activating the venv has no such PATH."""
    scripts = Path(sysconfig.get_path("scripts"))
    path = os.environ.get("PATH", "")
    if (scripts / "dbt").exists() and str(scripts) not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([str(scripts), path]) if path else str(scripts)


_put_this_environments_dbt_on_path()
DBT_EXECUTABLE = shutil.which("dbt") or "dbt"

# Dagster builds the platform's own relations (stg, stg2, dwh): target `local`
# (embedded / PST_DATABASE_URL) or `redshift`; never the analysts' `dev` target.
dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=os.environ.get("PST_DBT_TARGET", "local"),
    target_path=MANIFEST_TARGET_PATH,
)
