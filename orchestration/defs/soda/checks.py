"""The Soda contracts (soda/contracts/*.yml) as Dagster asset checks.

One multi-asset check per contract, one Dagster check per Soda check, named as
in the contract (`<column>__<type>`): pass/warn/fail map to passed / WARN /
ERROR (orchestration/defs/soda/contracts.py). The Sheets contracts run on the
staged views of the run_date, the schedule's on the published rows of the
run_date.

Alarms stay with the Python checks, which own them (freshness, schema drift,
row counts): a Soda failure on the published schedule raises
business-rule-violation; the Sheets contracts are shown in the UI and their
findings are in the QA tables already.
"""

from datetime import date, datetime, timezone

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    multi_asset_check,
)

from orchestration.alarms import AlarmName
from orchestration.check_results import ALARM, CONDITION, SEVERITY, SUMMARY
from orchestration.defs.soda.contracts import verify_contract
from orchestration.defs.soda.specs import CONTRACTS, contract_checks
from orchestration.metadata import doc_metadata, runbook_metadata, with_runbook
from orchestration.warehouse.resource import WarehouseResource

_ASSETS = {name: AssetKey(["dwh" if name == "fact_production_schedule" else "stg", name])
           for name in CONTRACTS}
_ALARMING = {"fact_production_schedule": AlarmName.BUSINESS_RULE}


def _result(contract: str, asset_key: AssetKey, check) -> AssetCheckResult:
    metadata: dict = {"soda_outcome": check.outcome, "soda_check_type": check.check_type,
                      **{f"soda_{k}": v for k, v in check.diagnostics.items()
                         if isinstance(v, (int, float, str, bool))}}
    alarm = _ALARMING.get(contract)
    if alarm:
        summary = f"Soda contract {contract}: {check.name} {check.outcome}"
        metadata.update({CONDITION: f"soda-{contract}", SUMMARY: summary})
        if check.outcome in ("fail", "error"):
            metadata.update({ALARM: alarm, SEVERITY: "P2"})
    return AssetCheckResult(
        asset_key=asset_key, check_name=check.name, passed=check.passed,
        severity=AssetCheckSeverity[check.severity or "WARN"],
        description=f"{check.check_type} {check.outcome}", metadata=metadata)


def _contract_check(contract: str, partitions):
    asset_key = _ASSETS[contract]
    alarm = _ALARMING.get(contract)
    links = runbook_metadata(alarm) if alarm else doc_metadata("soda/README.md")
    specs = [AssetCheckSpec(name=spec.name, asset=asset_key,
                            description=with_runbook(spec.description or f"Soda {spec.check_type}",
                                                     alarm),
                            metadata=links, partitions_def=partitions)
             for spec in contract_checks(CONTRACTS[contract])]

    @multi_asset_check(specs=specs, name=f"soda_{contract}",
                       description=f"Soda contract soda/contracts/{contract}.yml")
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        run_date = date.fromisoformat(context.partition_key) if context.has_partition_key \
            else None
        variables = {"NOW": datetime.now(timezone.utc).isoformat()}
        if run_date:
            variables["RUN_DATE"] = run_date.isoformat()
        outcome = verify_contract(CONTRACTS[contract], warehouse.target(), variables)
        context.log.info(f"Soda contract {contract}: {outcome.worst} "
                         f"({len(outcome.checks)} checks, {outcome.duration_s:.2f} s)")
        context.log.debug(outcome.log_excerpt[:4000])  # one line per check
        for check in outcome.checks:
            yield _result(contract, asset_key, check)

    return _check


def soda_checks(partitions) -> list:
    return [_contract_check(contract, partitions) for contract in CONTRACTS]
