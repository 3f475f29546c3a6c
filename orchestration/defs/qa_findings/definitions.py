"""QA findings: the checks on stg2/ps_qa_findings_summary (the dbt models that fold
the QA tables together are dbt_project/models/intermediate/qa/ps_qa_findings*.sql)."""

from dagster import Definitions, PartitionsDefinition

from orchestration.defs.qa_findings.checks import qa_findings_checks
from orchestration.settings import Settings


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    return Definitions(asset_checks=qa_findings_checks(partitions))
