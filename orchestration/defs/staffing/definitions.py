"""staffing-data-missing, end to end in one place (qa.md): the check on the next
plan dates, the staffing tabs whose failed load counts as missing staffing, and
the auto-remediation (re-run the staffing load once, alert only if it persists).
The remediation decision is part of the finished-run report
(defs/monitoring/runs.py), which uses `remediation.py` here."""

from dagster import Definitions, PartitionsDefinition

from orchestration.defs.staffing.checks import staffing_checks
from orchestration.defs.staffing.remediation import remediation_job
from orchestration.settings import Settings


def defs(settings: Settings, partitions: PartitionsDefinition) -> Definitions:
    return Definitions(jobs=[remediation_job()], asset_checks=staffing_checks(partitions, settings))
