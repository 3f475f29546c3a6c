"""Soda Core 4 data contracts (soda/contracts/*.yml), verified by our own wrapper.

dagster-soda supports only Soda v3 (and misreports its results), so this module
calls soda-core 4.28's `verify_contract_locally` itself and maps every Soda
check result to a `SodaCheckOutcome` ("pass" | "warn" | "fail" | "error") that
the Dagster asset checks are built from. It does not import Dagster.

Severity is native in Soda 4 contracts: a threshold without `level` is a
failure, `level: warn` a warning, and `additional:` gives one check both (see
soda/README.md). The wrapper reads Soda's own per-check outcome
(`CheckOutcome.PASSED / WARN / FAILED / NOT_EVALUATED`), never the contract's
overall status, so a passing check is reported "pass" even when another check
of the same contract failed.

Telemetry is switched off here, before soda-core is imported anywhere: its
singleton reads SODA_CORE_TELEMETRY_ENABLED once, on first import.

    python -m orchestration.defs.soda fact_production_schedule --set RUN_DATE=2026-11-23
"""

from __future__ import annotations

import os

# Set (never read) before any soda_core import, see above; a user setting is overridden.
os.environ.update(SODA_CORE_TELEMETRY_ENABLED="false")

import dataclasses  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import date, datetime, timezone  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any, Mapping  # noqa: E402

from orchestration.defs.soda.specs import (  # noqa: E402
    check_name,
    contract_checks,
    contract_dataset,
    contract_path,
    contract_variables,
)

if TYPE_CHECKING:
    from orchestration.warehouse import WarehouseTarget


log = logging.getLogger(__name__)

# The first part of every contract's `dataset:` (pst/<database>/<schema>/<table>).
DATA_SOURCE_NAME = "pst"

OUTCOMES = ("pass", "warn", "fail", "error")  # best to worst
RANK = {outcome: rank for rank, outcome in enumerate(OUTCOMES)}

# Dagster AssetCheckSeverity member names, per outcome (None: the check passed).
DAGSTER_SEVERITY = {"pass": None, "warn": "WARN", "fail": "ERROR", "error": "ERROR"}

_LOG_EXCERPT_CHARS = 4000


@dataclass(frozen=True)
class SodaCheckOutcome:
    name: str
    check_type: str
    column: str | None
    outcome: str  # "pass" | "warn" | "fail" | "error"
    diagnostics: dict  # JSON-serializable: Soda's diagnostic metrics, value, thresholds, ...

    @property
    def passed(self) -> bool:
        """Dagster's AssetCheckResult.passed: only "pass" (a warning is passed=False, severity WARN)."""
        return self.outcome == "pass"

    @property
    def severity(self) -> str | None:
        """Dagster AssetCheckSeverity member name: "WARN" for warn, "ERROR" for fail/error, None for pass."""
        return DAGSTER_SEVERITY[self.outcome]


@dataclass(frozen=True)
class ContractOutcome:
    contract: str  # key of CONTRACTS
    dataset: str  # schema.table
    checks: list[SodaCheckOutcome]  # every check the contract declares, in file order
    log_excerpt: str  # one line per check, then Soda's warnings/errors (no credentials)
    errors: tuple[str, ...] = ()  # verification-level errors (connection, YAML, variables, SQL)
    duration_s: float = 0.0

    @property
    def worst(self) -> str:
        """The worst outcome: "error" when the verification itself had errors."""
        outcomes = [check.outcome for check in self.checks]
        if self.errors or not outcomes:
            outcomes.append("error")
        return max(outcomes, key=RANK.__getitem__)

    @property
    def passed(self) -> bool:
        """No check failed or errored (warnings allowed), like Soda's `is_ok`."""
        return self.worst in ("pass", "warn")

    def check(self, name: str) -> SodaCheckOutcome:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(f"contract {self.contract} has no check {name!r} "
                       f"(it has {', '.join(c.name for c in self.checks)})")


# ---------------------------------------------------------------------------
# Verification


def _resolve_variables(contract: Path, target: "WarehouseTarget",
                       variables: Mapping[str, str] | None) -> dict[str, str]:
    """DATABASE, PUBLISH_SCHEMA and NOW get defaults; RUN_DATE and NOW are validated (they
    end up in SQL)."""
    from orchestration.settings import publish_schema  # noqa: PLC0415

    resolved = {
        "DATABASE": target.dbname,
        "PUBLISH_SCHEMA": publish_schema(),  # dwh; dwh_parallel during the parallel run
        "NOW": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    }
    resolved.update({key: str(value) for key, value in (variables or {}).items()})
    if "RUN_DATE" in resolved:
        try:
            resolved["RUN_DATE"] = date.fromisoformat(resolved["RUN_DATE"]).isoformat()
        except ValueError:
            raise ValueError(f"RUN_DATE must be YYYY-MM-DD, got {resolved['RUN_DATE']!r}") from None
    try:
        now = datetime.fromisoformat(resolved["NOW"])
    except ValueError:
        raise ValueError(f"NOW must be an ISO 8601 timestamp, got {resolved['NOW']!r}") from None
    if now.tzinfo is None:  # Soda would read a naive NOW as UTC; say so explicitly
        resolved["NOW"] = now.replace(tzinfo=timezone.utc).isoformat()
    missing = [name for name, default in contract_variables(contract).items()
               if default is None and name not in resolved]
    if missing:
        raise ValueError(f"contract {contract.stem} needs variable(s) {', '.join(missing)}")
    return resolved


def _data_source(target: "WarehouseTarget"):
    """The Soda data source, built in memory (the password is never written or logged):
    soda-postgres on PostgreSQL, soda-redshift on Redshift (the same contracts)."""
    connection = {
        "host": target.host,  # a hostname or the embedded server's socket directory
        "port": target.port,
        "user": target.user,
        "password": target.password,  # pydantic SecretStr from here on
        "database": target.dbname,
    }
    if target.is_redshift:
        from soda_redshift.common.data_sources.redshift_data_source import RedshiftDataSourceImpl
        from soda_redshift.common.data_sources.redshift_data_source_connection import (
            RedshiftDataSource,
        )

        model = RedshiftDataSource.model_validate(
            {"name": DATA_SOURCE_NAME, "type": "redshift", "connection": connection})
        return RedshiftDataSourceImpl(data_source_model=model)

    from soda_postgres.common.data_sources.postgres_data_source import PostgresDataSourceImpl
    from soda_postgres.common.data_sources.postgres_data_source_connection import PostgresDataSource

    model = PostgresDataSource.model_validate(
        {"name": DATA_SOURCE_NAME, "type": "postgres", "connection": connection})
    return PostgresDataSourceImpl(data_source_model=model)


_SODA_OUTCOMES = {"PASSED": "pass", "WARN": "warn", "FAILED": "fail",
                  "NOT_EVALUATED": "error", "EXCLUDED": "error"}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return _jsonable(float(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(item) for item in value]
    return str(value)


def _diagnostics(check_result) -> dict:
    check = check_result.check
    diagnostics: dict[str, Any] = {}
    if isinstance(check_result.diagnostic_metric_values, Mapping):
        diagnostics.update(check_result.diagnostic_metric_values)
    diagnostics["value"] = check_result.threshold_value
    diagnostics["soda_outcome"] = check_result.outcome.name
    diagnostics["soda_name"] = check.name
    if check.threshold is not None:
        diagnostics["threshold"] = str(check.threshold).replace("\n", "; ")
    if getattr(check, "warn_threshold", None) is not None:
        diagnostics["warn_threshold"] = str(check.warn_threshold).replace("\n", "; ")
    if check.type == "schema":
        diagnostics["missing_columns"] = list(getattr(check_result, "expected_column_names_not_actual", []) or [])
        diagnostics["extra_columns"] = list(getattr(check_result, "actual_column_names_not_expected", []) or [])
        diagnostics["type_mismatches"] = [
            f"{m.column}: expected {m.get_expected()}, actual {m.get_actual()}"
            for m in getattr(check_result, "column_data_type_mismatches", []) or []
        ]
    if check.type == "freshness":
        for attribute in ("max_timestamp_utc", "data_timestamp_utc", "freshness", "unit"):
            diagnostics[attribute] = getattr(check_result, attribute, None)
    return _jsonable(diagnostics)


def _summary_line(check: SodaCheckOutcome) -> str:
    d = check.diagnostics
    if "value" not in d:
        detail = d.get("reason", "")
    elif check.check_type == "schema" and check.outcome == "fail":
        detail = "; ".join(f"{key.replace('_', ' ')} {d[key]}"
                           for key in ("missing_columns", "extra_columns", "type_mismatches") if d.get(key))
    else:
        counts = [f"{key} {d[key]}" for key in ("missing_count", "duplicate_count", "check_rows_tested")
                  if key in d and check.check_type != "row_count"]
        detail = f"value {d['value']}" + (f" ({', '.join(counts)})" if counts else "")
    return f"{check.outcome.upper():5} {check.name}: {detail}"


def _scrub(text: str, secret: str) -> str:
    """Belt and braces: Soda keeps the password in a SecretStr and never logs it."""
    return text.replace(secret, "***") if secret and len(secret) >= 4 else text


def verify_contract(contract: Path, target: "WarehouseTarget",
                    variables: dict[str, str] | None = None) -> ContractOutcome:
    """Verify one contract against the warehouse and map each Soda check result.

    variables: RUN_DATE (YYYY-MM-DD) for the schedule contract; NOW (ISO 8601)
    for the Sheets contracts' freshness, default the current UTC time;
    DATABASE defaults to target.dbname. Raises ValueError for a missing or
    malformed variable; every other problem (no connection, no table, bad SQL)
    is reported as outcome "error" on the checks it affects.
    """
    contract = contract_path(contract)
    started = time.monotonic()
    specs = contract_checks(contract)
    resolved = _resolve_variables(contract, target, variables)
    dataset = contract_dataset(contract)

    errors: list[str] = []
    soda_logs: list[str] = []
    results_by_name: dict[str, SodaCheckOutcome] = {}
    try:
        from soda_core.contracts import verify_contract_locally

        session = verify_contract_locally(
            data_sources=[_data_source(target)],
            contract_file_path=str(contract),
            variables=resolved,
        )
        records = list(session.session_log_records)
        for result in session.contract_verification_results:
            records.extend(result.log_records or [])
            if result.has_errors and not any(r.levelno >= logging.ERROR for r in result.log_records or []):
                errors.append(f"Soda reported status {result.status.name}"
                              + (f": {result.error}" if result.error else ""))
            for check_result in result.check_results:
                check = check_result.check
                name = check_name(check.type, check.column_name, check.qualifier)
                outcome = _SODA_OUTCOMES.get(check_result.outcome.name, "error")
                if outcome != "pass" and check_result.threshold_value is None and result.has_errors:
                    # Soda fails a freshness check that got no max timestamp; when a query of
                    # the verification failed (e.g. no such table) that is no measurement at all
                    outcome = "error"
                results_by_name[name] = SodaCheckOutcome(
                    name=name,
                    check_type=check.type,
                    column=check.column_name,
                    outcome=outcome,
                    diagnostics=_diagnostics(check_result),
                )
        soda_logs = [record.getMessage() for record in records if record.levelno >= logging.WARNING]
        errors.extend(record.getMessage() for record in records if record.levelno >= logging.ERROR)
    except Exception as exc:  # noqa: BLE001 - reported as "error" outcomes, not raised
        errors.append(f"{type(exc).__name__}: {exc}")
        log.debug("Soda verification of %s raised", contract, exc_info=True)

    errors = [_scrub(error, target.password) for error in errors]
    reason = "not evaluated: " + (errors[0] if errors else "Soda returned no result for this check")
    checks = [results_by_name.pop(spec.name, None)
              or SodaCheckOutcome(spec.name, spec.check_type, spec.column, "error", {"reason": reason})
              for spec in specs]
    # A check Soda ran that the YAML reader did not see (should not happen): keep it, visibly.
    checks.extend(results_by_name.values())

    outcome = ContractOutcome(
        contract=contract.stem,
        dataset=dataset,
        checks=checks,
        log_excerpt="",
        errors=tuple(dict.fromkeys(errors)),
        duration_s=round(time.monotonic() - started, 3),
    )
    shown = ", ".join(f"{key}={value}" for key, value in resolved.items()
                      if key in contract_variables(contract))
    lines = [f"contract {outcome.contract} on {dataset} ({shown}): {outcome.worst} in {outcome.duration_s:.2f} s"]
    lines += [_summary_line(check) for check in checks]
    lines += [f"soda: {message}" for message in soda_logs]
    excerpt = _scrub("\n".join(lines), target.password)
    if len(excerpt) > _LOG_EXCERPT_CHARS:
        excerpt = excerpt[:_LOG_EXCERPT_CHARS - 20] + "\n... (truncated)"
    return dataclasses.replace(outcome, log_excerpt=excerpt)
