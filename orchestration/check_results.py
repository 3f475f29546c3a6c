"""What a check found, in a form both Dagster and the alert router read.

Every check puts its condition in the result's metadata (`pst_condition`), and
when it fails the alarm and severity it raises (`pst_alarm`, `pst_severity`):
the alert collector (orchestration/defs/monitoring/runs.py) turns failed evaluations
into alerts and passed ones into resolutions, without knowing the checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from orchestration.alarms import Severity, alarm
from orchestration.alarms import alarm as _alarm

CONDITION, ALARM, SEVERITY, SUMMARY = "pst_condition", "pst_alarm", "pst_severity", "pst_summary"
PER_PARTITION = "pst_per_partition"


@dataclass(frozen=True)
class CheckOutcome:
    condition: str  # what the check watches; levels of one condition share it
    passed: bool
    summary: str
    numbers: dict[str, object] = field(default_factory=dict)
    alarm: str | None = None  # raised when not passed
    severity: Severity | None = None  # default: the alarm's
    per_partition: bool = True  # False: a condition of a table, whatever the run_date

    @classmethod
    def ok(cls, condition: str, summary: str, per_partition: bool = True,
           **numbers) -> "CheckOutcome":
        return cls(condition, True, summary, numbers, per_partition=per_partition)

    @classmethod
    def alert(cls, condition: str, alarm_name: str, summary: str, severity: Severity | None = None,
              per_partition: bool = True, **numbers) -> "CheckOutcome":
        return cls(condition, False, summary, numbers, alarm_name,
                   severity or alarm(alarm_name).severity, per_partition)

    def to_result(self) -> AssetCheckResult:
        metadata: dict[str, object] = outcome_metadata(
            condition=self.condition, summary=self.summary, per_partition=self.per_partition,
            alarm=None if self.passed else self.alarm,
            severity=None if self.passed else self.severity)
        for key, value in self.numbers.items():
            if value is None:
                metadata[key] = MetadataValue.null()
            elif isinstance(value, (dict, list)):
                metadata[key] = MetadataValue.json(value)
            else:
                metadata[key] = value
        dagster_severity = (AssetCheckSeverity.ERROR if self.severity == Severity.P1
                            else AssetCheckSeverity.WARN)
        return AssetCheckResult(passed=self.passed, severity=dagster_severity,
                                description=self.summary, metadata=metadata)


def outcome_metadata(*, condition: str, summary: str, alarm: str | None = None,
                     severity: Severity | None = None, per_partition: bool = True) -> dict:
    """The pst_* metadata of a check result: what it watches and, failed, what it raises."""
    metadata: dict[str, object] = {CONDITION: str(condition), SUMMARY: summary,
                                   PER_PARTITION: per_partition}
    if alarm is not None:
        metadata[ALARM] = str(alarm)
        metadata[SEVERITY] = (severity or _alarm(alarm).severity).value
    return metadata
