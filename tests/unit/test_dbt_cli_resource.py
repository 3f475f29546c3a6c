"""The dbt resource knows the dbt version without running `dbt --version` (D61)."""

import sys
from pathlib import Path

from packaging import version


def test_the_version_is_the_environments_dbt_core_without_a_subprocess(monkeypatch):
    import dagster_dbt.core.resource as dagster_dbt_resource
    from dbt.version import __version__ as dbt_core_version

    from orchestration.defs.dbt.cli import PlatformDbtCliResource
    from orchestration.defs.dbt.project import dbt_executable, dbt_project

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"ran {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    dbt = PlatformDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())
    assert dbt._cli_version == version.parse(dbt_core_version)
    # and the executable it runs is that dbt-core: the one of this environment
    assert Path(dbt_executable()).parent == Path(sys.executable).parent
