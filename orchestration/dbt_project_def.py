"""The one DbtProject of the code location.

`dagster-dbt project prepare-and-package --file orchestration/dbt_project_def.py`
builds its manifest for deployment; `dagster dev` re-parses on load.
"""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR


def _put_this_environments_dbt_on_path() -> None:
    """dagster-dbt (prepare_if_dev, DbtCliResource) looks for `dbt` on PATH; a
    `.venv/bin/dagster dev` started without activating the venv has no such PATH."""
    scripts = Path(sysconfig.get_path("scripts"))
    path = os.environ.get("PATH", "")
    if (scripts / "dbt").exists() and str(scripts) not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([str(scripts), path]) if path else str(scripts)


_put_this_environments_dbt_on_path()
DBT_EXECUTABLE = shutil.which("dbt") or "dbt"

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=os.environ.get("PST_DBT_TARGET", "local"),
)
dbt_project.prepare_if_dev()
