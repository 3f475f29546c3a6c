"""The dbt CLI resource: dagster-dbt's own, minus one measured cost.

dagster-dbt asks the dbt executable for its version (`dbt --version`) once per
resource instance, that is once per run, to tell dbt-core from the Fusion
engine. `dbt --version` imports every installed adapter (postgres, redshift and
their AWS libraries): 5.9 s of CPU here, a fifth of a daily run (D61,
docs/performance.md). The executable the platform runs is this environment's
own dbt-core (project.dbt_executable), whose version dagster-dbt has already
imported, so the answer is known without the subprocess.
"""

from functools import cached_property

from dagster_dbt import DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION
from packaging import version


class PlatformDbtCliResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        return DBT_PYTHON_VERSION
