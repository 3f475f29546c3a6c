"""Everything the code location defines, for one set of settings."""

import warnings

from dagster import BetaWarning, Definitions, PreviewWarning, in_process_executor

from orchestration.partitions import run_date_partitions
from orchestration.settings import Settings

# Chosen deliberately and pinned (pyproject.toml): partitioned asset checks (preview),
# dagster-aws' SecretsManagerResource and the column-schema checks (beta). Their
# notices would print on every load.
warnings.filterwarnings("ignore", category=PreviewWarning)
warnings.filterwarnings("ignore", category=BetaWarning)


def build_definitions(settings: Settings) -> Definitions:
    from orchestration.defs.dbt import definitions as dbt  # noqa: PLC0415 - after the filters
    from orchestration.defs.erp import definitions as erp  # noqa: PLC0415
    from orchestration.defs.monitoring import definitions as monitoring  # noqa: PLC0415
    from orchestration.defs.parallel_run import definitions as parallel_run  # noqa: PLC0415
    from orchestration.defs.planning import definitions as planning  # noqa: PLC0415
    from orchestration.defs.qa_findings import definitions as qa_findings  # noqa: PLC0415
    from orchestration.defs.resources import shared_resources  # noqa: PLC0415
    from orchestration.defs.schedule import definitions as schedule  # noqa: PLC0415
    from orchestration.defs.sheets import definitions as sheets  # noqa: PLC0415
    from orchestration.defs.soda import definitions as soda  # noqa: PLC0415
    from orchestration.defs.sources import source_loads  # noqa: PLC0415
    from orchestration.defs.staffing import definitions as staffing  # noqa: PLC0415
    from orchestration.defs.supplybuy import definitions as supplybuy  # noqa: PLC0415

    partitions = run_date_partitions(settings)
    integrations = [sheets, supplybuy, erp, dbt, schedule, staffing, qa_findings, soda,
                    parallel_run, planning, monitoring]
    return Definitions.merge(
        *(integration.defs(settings, partitions) for integration in integrations),
        Definitions(
            assets=[source_loads],
            resources=shared_resources(settings),
            # One process per run: the steps of a run share the definitions the run worker
            # loaded (the multiprocess default re-imports them in a process per step, which
            # on 2 cores costs more than the steps). Step retries work the same in process.
            executor=in_process_executor,
        ),
    )
