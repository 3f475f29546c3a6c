"""The dbt CLI resource: dagster-dbt's own, minus two measured costs.

* dagster-dbt asks the dbt executable for its version (`dbt --version`) once per
  resource instance, that is once per run, to tell dbt-core from the Fusion
  engine. `dbt --version` imports every installed adapter (postgres, redshift and
  their AWS libraries): 5.9 s of CPU here, a fifth of a daily run (D61,
  docs/performance.md). The executable the platform runs is this environment's
  own dbt-core (project.dbt_executable), whose version dagster-dbt has already
  imported, so the answer is known without the subprocess.
* The run_date goes to each dbt subprocess in its own environment
  (`PST_DBT_RUN_DATE`), not in `--vars`: dbt parses the whole project again
  whenever `--vars` changes, 3.8 s of CPU per invocation, twice per run (D78).
"""

import threading
from collections.abc import Mapping
from functools import cached_property

from dagster_dbt import DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION
from packaging import version

from orchestration.scoped_environment import scoped_environment

# dagster-dbt builds the subprocess's environment from os.environ when it starts dbt;
# one invocation at a time sets its own variables for that moment only.
_STARTING = threading.Lock()


class PlatformDbtCliResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        return DBT_PYTHON_VERSION

    def cli(self, args, *, env: Mapping[str, str] | None = None, **kwargs):
        """dagster-dbt's `cli`, plus `env`: variables of this dbt subprocess only (the
        process starts inside `cli`, so they are gone again when it returns)."""
        if not env:
            return super().cli(args, **kwargs)
        with _STARTING, scoped_environment(env):
            return super().cli(args, **kwargs)
