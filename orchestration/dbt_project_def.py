"""The one DbtProject of the code location.

`dagster-dbt project prepare-and-package --file orchestration/dbt_project_def.py`
builds its manifest for deployment; `dagster dev` re-parses on load.
"""

from __future__ import annotations

import os

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=os.environ.get("PST_DBT_TARGET", "local"),
)
dbt_project.prepare_if_dev()
