"""The staffing auto-remediation (D43): a run whose staffing was missing, or whose
staffing tabs failed to load, raises nothing at first; the staffing load (and what
it feeds) is re-run once for its partition, and that run's result decides."""

from dagster import AssetKey, AssetSelection, RunRequest, define_asset_job

from orchestration.alarms import AlarmName
from orchestration.defs.job_names import REMEDIATION_JOB
from orchestration.defs.sources import SOURCES_GROUP

REMEDIATION_OF = "pst/remediation_of"  # tag of a remediation run: the run it remediates
STAFFING_TABS = [AssetKey(["raw", "sheets_staffing"]), AssetKey(["raw", "sheets_staffing_defaults"])]
STAFFING_STEPS = tuple("__".join(key.path) for key in STAFFING_TABS)
# alarms of a source as a whole: a re-run of the load cannot mend them
SOURCE_ALARMS = (AlarmName.SHEETS_AUTH_FAILED, AlarmName.SUPPLYBUY_UNAVAILABLE)


def remediation_job():
    staffing = AssetSelection.assets(*STAFFING_TABS)
    # What staffing feeds, with every model that feeds those (the daily run may have
    # stopped before building any of them: a fresh warehouse has none), but no other
    # source is landed again.
    feeds = staffing.downstream().upstream() - AssetSelection.groups(SOURCES_GROUP)
    return define_asset_job(
        name=REMEDIATION_JOB,
        selection=staffing | feeds,
        description="Re-run the staffing load (and what it feeds) once for a run_date whose "
                    "staffing was missing or failed to load.")


def is_remediation(tags) -> bool:
    return REMEDIATION_OF in tags


def staffing_load_failed(step_key: str, alarm: str | None) -> bool:
    """A failed staffing tab that a re-run may mend (not a refused source)."""
    return step_key in STAFFING_STEPS and alarm not in SOURCE_ALARMS


def remediation_request(run_id: str, partition: str) -> RunRequest:
    return RunRequest(run_key=f"staffing-remediation-of-{run_id}", partition_key=partition,
                      tags={REMEDIATION_OF: run_id})
