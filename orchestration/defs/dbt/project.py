"""The one DbtProject of the code location.

Its manifest is prepared once, before Dagster starts, never while the
definitions load: `make run` / `make dev` / the test session prepare it when a
dbt file changed (manifest.py here), the Docker image with
`dagster-dbt project prepare-and-package --file orchestration/defs/dbt/project.py`.

Dagster's dbt files live apart from an analyst's `dbt_project/target/`: the
manifest the code location loads in `dbt_project/target/dagster/`, the runs'
artifacts in `$PST_HOME/dbt_runs/` (one folder per deployment home, so two
homes, e.g. two test workers, never share one), so an analyst's `dbt build`
never replaces the manifest the code location reads (D50).
"""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR, Settings, pst_home

MANIFEST_TARGET_PATH = Path("target") / "dagster"


def runs_target_path() -> Path:
    """Where the runs' dbt artifacts go (run_results.json, logs): the deployment's home."""
    return pst_home() / "dbt_runs"


def dbt_executable() -> str:
    """dagster-dbt looks for `dbt` on PATH; a `.venv/bin/dagster dev` started without
    activating the venv has no such PATH: use this environment's own dbt."""
    own = Path(sysconfig.get_path("scripts")) / "dbt"
    return str(own) if own.exists() else (shutil.which("dbt") or "dbt")


def _own_dbt_on_path() -> None:
    # the preparer (prepare-and-package) runs `dbt` from PATH as well
    scripts = str(Path(sysconfig.get_path("scripts")))
    path = os.environ.get("PATH", "")
    if scripts not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, path]) if path else scripts


_own_dbt_on_path()

# The one setting read when this module is imported: `prepare-and-package` imports it to
# find the project, and the manifest's relations (database, schemas) are the target's:
# `local` or `redshift`, the platform's own (never the analysts' `dev`).
dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target_path=MANIFEST_TARGET_PATH,
    target=Settings.from_env().dbt_target,
)
