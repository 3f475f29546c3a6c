"""Alert delivery for a run without a daemon (`make run`): what the sensors do,
done once right after the run, including the staffing auto-remediation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence

from dagster import Definitions, DagsterInstance, ExecuteInProcessResult, JobDefinition

from orchestration.alarms import Severity
from orchestration.defs.monitoring.model import Finding
from orchestration.defs.monitoring.router import Delivery
from orchestration.defs.job_names import REMEDIATION_JOB
from orchestration.defs.monitoring.service import AlertingResource, deliver, process_finished_run
from orchestration.defs.staffing.remediation import REMEDIATION_OF
from orchestration.settings import Thresholds
from orchestration.warehouse.resource import WarehouseResource


@dataclass
class AfterRun:
    deliveries: list[Delivery] = field(default_factory=list)
    remediation: ExecuteInProcessResult | None = None
    findings: list[Finding] = field(default_factory=list)  # new or escalated by the run(s), P1-P4

    def headline(self) -> str:
        """One line: the alerts the run raised (new or escalated; an open condition seen
        again is not sent again) by severity, or that it raised none."""
        alerts = [f for f in self.findings if f.effective_severity != Severity.P4]
        digest = [f for f in self.findings if f.effective_severity == Severity.P4]
        if alerts:
            counts = Counter(f.effective_severity.value for f in alerts)
            text = (f"{len(alerts)} alert(s): "
                    + ", ".join(f"{counts[s]} {s}" for s in sorted(counts)))
            pending = sum(1 for d in self.deliveries if not d.delivered)
            if pending:
                text += f" ({pending} pending delivery, retried by the next run or sensor)"
        else:
            text = "no alerts"
        if digest:
            text += "; " + ", ".join(sorted({f.alarm for f in digest})) + " queued for the digest"
        return text

    def print(self) -> None:
        if self.remediation is not None:
            state = "succeeded" if self.remediation.success else "FAILED"
            print(f"\nStaffing was missing: the staffing load was re-run once "
                  f"(run {self.remediation.run_id}) and {state}.")
        for d in self.deliveries:
            status = "sent" if d.delivered else f"PENDING, will be retried ({d.detail})"
            print(f"  alert {d.alarm} -> {d.channel}: {status}")


def alert_after_run(instance: DagsterInstance, run_id: str, defs: Definitions,
                    thresholds: Thresholds, *, run_config: dict | None = None,
                    alerting: AlertingResource | None = None,
                    warehouse: WarehouseResource | None = None,
                    prepare_job: Callable[[JobDefinition], JobDefinition] = lambda job: job,
                    before_remediation: Callable[[], None] = lambda: None,
                    dead_run_ids: Sequence[str] = ()) -> AfterRun:
    """`defs` are the definitions the run came from; `prepare_job` adapts the
    remediation job as the caller adapted its own run (make run adds its console
    logger, which `run_config` names). `dead_run_ids`: earlier runs found dead and
    marked failed before this one started (their alerts are raised here too)."""
    alerting = alerting or AlertingResource()
    warehouse = warehouse or WarehouseResource()
    outcome = AfterRun()
    with warehouse.connection() as conn:
        router = alerting.router(conn)
        for dead_run_id in dead_run_ids:
            dead = process_finished_run(instance, instance.get_run_by_id(dead_run_id), router,
                                        thresholds)
            if dead is not None:
                outcome.findings.extend(dead.raised)
        report = process_finished_run(instance, instance.get_run_by_id(run_id), router,
                                      thresholds)
        conn.commit()
        if report is not None:
            outcome.findings.extend(report.raised)
        if report is not None and report.remediate_partition:
            before_remediation()
            remediation_job = prepare_job(defs.resolve_job_def(REMEDIATION_JOB))
            outcome.remediation = remediation_job.execute_in_process(
                partition_key=report.remediate_partition, instance=instance,
                raise_on_error=False, tags={REMEDIATION_OF: run_id}, run_config=run_config)
            again = process_finished_run(instance,
                                         instance.get_run_by_id(outcome.remediation.run_id),
                                         router, thresholds)
            if again is not None:
                outcome.findings.extend(again.raised)
        outcome.deliveries = deliver(router)
    return outcome
