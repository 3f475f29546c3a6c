"""Alert delivery for a run without a daemon (`make run`): what the sensors do,
done once right after the run, including the staffing auto-remediation."""

from __future__ import annotations

from dataclasses import dataclass, field

from dagster import DagsterInstance, ExecuteInProcessResult

from orchestration.alerting.router import Delivery
from orchestration.alerting.runs import REMEDIATION_JOB, REMEDIATION_OF
from orchestration.alerting.service import AlertingResource, deliver, process_finished_run
from orchestration.resources.warehouse import WarehouseResource


@dataclass
class AfterRun:
    deliveries: list[Delivery] = field(default_factory=list)
    remediation: ExecuteInProcessResult | None = None

    def print(self) -> None:
        if self.remediation is not None:
            state = "succeeded" if self.remediation.success else "FAILED"
            print(f"\nStaffing was missing: the staffing load was re-run once "
                  f"(run {self.remediation.run_id}) and {state}.")
        for d in self.deliveries:
            status = "sent" if d.delivered else f"PENDING, will be retried ({d.detail})"
            print(f"  alert {d.alarm} -> {d.channel}: {status}")


def alert_after_run(instance: DagsterInstance, run_id: str, *, run_config: dict | None = None,
                    alerting: AlertingResource | None = None,
                    warehouse: WarehouseResource | None = None) -> AfterRun:
    from orchestration.definitions import defs  # noqa: PLC0415 - the same definitions as the run

    alerting = alerting or AlertingResource()
    warehouse = warehouse or WarehouseResource()
    outcome = AfterRun()
    with warehouse.connection() as conn:
        router = alerting.router(conn)
        report = process_finished_run(instance, instance.get_run_by_id(run_id), conn, router,
                                      alerting)
        conn.commit()
        if report is not None and report.remediate_partition:
            remediation_job = defs.resolve_job_def(REMEDIATION_JOB)
            outcome.remediation = remediation_job.execute_in_process(
                partition_key=report.remediate_partition, instance=instance,
                raise_on_error=False, tags={REMEDIATION_OF: run_id}, run_config=run_config)
            process_finished_run(instance, instance.get_run_by_id(outcome.remediation.run_id),
                                 conn, router, alerting)
        outcome.deliveries = deliver(router)
    return outcome
