"""What every landing asset shares: its group, its step retries, the failure
that names an alarm, and the loaders' log they all write."""

from dagster import AssetSpec, BackfillPolicy, Failure, Jitter, RetryPolicy, TableColumn, TableSchema
from dagster import Backoff as RetryBackoff

from orchestration.alarms import AlarmName
from orchestration.landing import specs
from orchestration.metadata import OWNERS, doc_metadata
from orchestration.settings import Settings

SOURCES_GROUP = "sources"
ONE_RUN_DATE_PER_RUN = BackfillPolicy.multi_run(max_partitions_per_run=1)
ALARM_METADATA = "alarm"  # the key of a step failure's alarm (read by monitoring/runs.py)


def fetch_retry_policy(settings: Settings) -> RetryPolicy:
    """qa.md prod-schedule-job-failed: "retry 3x with exponential backoff, then alert".
    Fetches retry on their own first (per request); this retries the whole step."""
    return RetryPolicy(max_retries=settings.step_retries, delay=settings.retry_delay_seconds,
                       backoff=RetryBackoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS)


def alarm_failure(error: Exception, alarm: AlarmName, *, retryable: bool,
                  **metadata) -> Failure:
    """A step failure that names the alarm it raises. Failures a retry cannot mend
    (bad credentials, a missing column) are not retried."""
    return Failure(description=str(error), metadata={ALARM_METADATA: alarm.value, **metadata},
                   allow_retries=retryable)


# The loaders' log (raw.source_loads, D32): every landing asset writes its row there
# in the same transaction as the data, so it is not an asset of its own making;
# declared so that the UI shows it where it belongs, with its owner.
source_loads = AssetSpec(
    list(specs.LOADS_TABLE), group_name=SOURCES_GROUP, kinds={"postgres"}, owners=OWNERS,
    description="The loaders' log: one row per (source, snapshot_dt) landed, with loaded_at, "
                "row count and unexpected columns; written by every landing asset with its "
                "data. Staging selects the snapshot in force from it.",
    metadata=doc_metadata("docs/architecture.md"))


def column_schema(conn, relation: tuple[str, str]) -> dict:
    """`dagster/column_schema` of a landed table as the warehouse has it now (what the
    schema-drift checks compare from one materialization to the next)."""
    with conn.cursor() as cur:
        cur.execute("select column_name, data_type from information_schema.columns "
                    "where table_schema = %s and table_name = %s order by ordinal_position",
                    relation)
        columns = [TableColumn(name, kind) for name, kind in cur.fetchall()]
    return {"dagster/column_schema": TableSchema(columns=columns)}
