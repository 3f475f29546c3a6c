"""How dbt nodes appear in Dagster: stable keys and groups from the model folders,
owners, doc and runbook links, and dbt tests as checks of their run_date.

A dbt test that owns an alarm says so in its own config (`meta: {pst_alarm: ...}`,
dbt_project/tests/); every other error-severity test stops the build, which
fails the run (prod-schedule-job-failed).
"""

from typing import Any, Mapping, Optional, Sequence

from dagster import AssetCheckSpec, AssetKey, PartitionsDefinition
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from orchestration.alarms import AlarmName, alarm
from orchestration.metadata import OWNERS, doc_metadata, runbook_metadata, with_runbook

# The warehouse schema each top-level model folder builds into (dbt_project.yml).
FOLDER_SCHEMA = {"staging": "stg", "intermediate": "stg2", "marts": "dwh",
                 "parallel_run": "parallel_run"}
TEST_ALARM_META = "pst_alarm"


def test_alarm(test_props: Mapping[str, Any]) -> Optional[AlarmName]:
    """The alarm a dbt test owns (its meta), if any."""
    meta = test_props.get("config", {}).get("meta") or test_props.get("meta") or {}
    name = meta.get(TEST_ALARM_META)
    return alarm(name).name if name else None


def runbook_of_test(test_props: Mapping[str, Any]) -> Optional[AlarmName]:
    """The runbook a failing dbt test leads to: its own alarm's, else the failed run's
    for an error-severity test (it stops the build); a warning has none."""
    owned = test_alarm(test_props)
    if owned:
        return owned
    severity = (test_props.get("config", {}).get("severity") or "error").lower()
    return AlarmName.JOB_FAILED if severity == "error" else None


def _model_folders(dbt_resource_props: Mapping[str, Any]) -> list[str]:
    # fqn = [project, folder, subfolder..., model_name]
    folders = list(dbt_resource_props["fqn"][1:-1])
    return folders or ["models"]


class ProductionSchedulingTranslator(DagsterDbtTranslator):
    """Stable keys `<schema>/<model>` and groups named after the model's folder.

    Keys follow the warehouse relation (stg2/ps_staffing_by_dt), which is what
    on-call engineers and analysts search for. Sources keep the key given in
    their yml (`meta.dagster.asset_key`), linking them to the landing assets.
    """

    def __init__(self, partitions: PartitionsDefinition):
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
        self.partitions = partitions

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] != "model":
            return super().get_asset_key(dbt_resource_props)
        folder = _model_folders(dbt_resource_props)[0]
        return AssetKey([FOLDER_SCHEMA.get(folder, folder), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> Optional[str]:
        if dbt_resource_props["resource_type"] != "model":
            return super().get_group_name(dbt_resource_props)
        folders = _model_folders(dbt_resource_props)
        # intermediate/ is split by stage (inputs, scheduling, qa); the others by layer.
        return folders[1] if folders[0] == "intermediate" and len(folders) > 1 else folders[0]

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Optional[Sequence[str]]:
        return OWNERS

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        return {**super().get_metadata(dbt_resource_props), **doc_metadata("docs/architecture.md")}

    def get_asset_check_spec(self, asset_spec, manifest: Mapping[str, Any], unique_id: str,
                             project: Optional[DbtProject]) -> Optional[AssetCheckSpec]:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        test = manifest["nodes"][unique_id]
        runbook = runbook_of_test(test)
        links = runbook_metadata(runbook) if runbook else doc_metadata("docs/operations.md")
        description = spec.description or test.get("description") or f"dbt test {spec.name}"
        # Partitioned like the models: a result (or a run that never reached the
        # test) belongs to its run_date, not to the asset as a whole.
        return AssetCheckSpec(
            name=spec.name, asset=spec.asset_key,
            description=with_runbook(description, runbook),
            additional_deps=spec.additional_deps, blocking=spec.blocking,
            metadata={**spec.metadata, **links}, partitions_def=self.partitions)
