"""Every parameter and threshold of the platform, set once.

`Settings.from_env()` is called when the definitions are built (never at
import): the scheduling defaults (H, W, R), the alarm thresholds, the plant's
clock, the partitions, the step retries and the deployment. Descriptions, the
alarm catalog's texts and docs/operations.md render their numbers from here (a
test keeps the docs equal to it).

Connection strings, tokens and paths stay environment lookups made when a
resource is used (the functions at the bottom): secrets are never held in an
object that Dagster could display.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Mapping
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

DEPLOYMENTS = ("local", "production")


@dataclass(frozen=True)
class Scheduling:
    """scheduling.md "Terms": the run configuration's defaults."""

    horizon_days: int = 31                              # H
    demand_window_days: int = 7                         # W
    line_rounding_increment: Decimal = Decimal("0.5")   # R


@dataclass(frozen=True)
class Thresholds:
    """The numbers of the alarm catalog (qa.md "Alarms")."""

    row_count_baseline_run_dates: int = 7      # the "7-day average": previous run_dates
    row_count_critical_share: float = 0.5      # tomorrow's rows below 50% of it: P1, blocks
    row_count_warning_drop: float = 0.2        # the run's rows more than 20% below it: P2
    duration_history_days: int = 7            # durations averaged: successful runs of 7 days
    duration_min_runs: int = 3                 # fewer such runs: no duration alarm yet
    duration_slow_ratio: float = 1.5           # P3 from 1.5x the average
    duration_anomaly_ratio: float = 2.0        # P2 above 2x
    duration_min_excess_seconds: float = 60.0  # and at least this much slower (noise)
    capacity_overflow_share: float = 0.3       # > 30% of tomorrow's candidates over capacity
    freshness_hours: float = 24.0              # the snapshot in force older than this
    # the parallel run (plan Phase 3): a run_date matches the legacy schedule when at
    # most this share of its keys differ (0.1%); dbt_project.yml's var says the same
    parallel_run_max_mismatch_share: float = 0.001
    history_max_rows: int = 10_000             # a *_history table larger than this
    staffing_lookahead_days: int = 3           # missing staffing on the next 3 plan dates


@dataclass(frozen=True)
class Settings:
    deployment: str = "local"
    plant_timezone: str = "America/Chicago"
    partitions_start: date = date(2026, 11, 1)
    schedule_hour: int = 5                     # the daily run, plant time
    schedule_minute: int = 0
    step_retries: int = 3                      # a failed fetch step: 3 retries,
    retry_delay_seconds: float = 30.0          # first delay 30 s, doubling (jittered)
    supplybuy_rate_limit_seconds: float = 300.0  # a Supplybuy pull waits on 429s at most this long
    scheduling: Scheduling = field(default_factory=Scheduling)
    thresholds: Thresholds = field(default_factory=Thresholds)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        defaults = cls()

        def get(name: str) -> str | None:
            return (env.get(name) or "").strip() or None

        def number(name: str, default, kind):
            value = get(name)
            if value is None:
                return default
            try:
                return kind(value)
            except ValueError:
                raise ValueError(f"{name} must be a {kind.__name__} (got {value!r})") from None

        def iso_date(name: str, default: date) -> date:
            value = get(name)
            if value is None:
                return default
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{name} must be a date YYYY-MM-DD (got {value!r})") from None

        deployment = (get("PST_DEPLOYMENT") or defaults.deployment).lower()
        if deployment not in DEPLOYMENTS:
            raise ValueError(f"PST_DEPLOYMENT must be one of {', '.join(DEPLOYMENTS)} "
                             f"(got {deployment!r})")
        thresholds = Thresholds(duration_min_excess_seconds=number(
            "PST_DURATION_MIN_EXCESS_SECONDS", Thresholds.duration_min_excess_seconds, float))
        return cls(
            deployment=deployment,
            plant_timezone=get("PST_PLANT_TIMEZONE") or defaults.plant_timezone,
            partitions_start=iso_date("PST_PARTITIONS_START", defaults.partitions_start),
            schedule_hour=number("PST_SCHEDULE_HOUR", defaults.schedule_hour, int),
            schedule_minute=number("PST_SCHEDULE_MINUTE", defaults.schedule_minute, int),
            step_retries=number("PST_STEP_RETRIES", defaults.step_retries, int),
            retry_delay_seconds=number("PST_RETRY_DELAY_SECONDS", defaults.retry_delay_seconds,
                                       float),
            supplybuy_rate_limit_seconds=number("PST_SUPPLYBUY_RATE_LIMIT_SECONDS",
                                                defaults.supplybuy_rate_limit_seconds, float),
            thresholds=thresholds,
        )

    def today(self) -> date:
        """The one "today" of the platform: the plant's date. The normal daily run
        is run_date = today."""
        return datetime.now(ZoneInfo(self.plant_timezone)).date()

    @property
    def dbt_target(self) -> str:
        """What Dagster builds: the deployment's warehouse decides it (one setting,
        PST_DATABASE_URL, for dbt and every Python connection)."""
        return "redshift" if self.deployment == "production" else "local"

    def missing_for_production(self, env: Mapping[str, str] | None = None) -> list[str]:
        """The settings PST_DEPLOYMENT=production cannot start without (none locally):
        every one missing, so that one message names them all."""
        if self.deployment != "production":
            return []
        env = os.environ if env is None else env

        def has(name: str) -> bool:
            return bool((env.get(name) or "").strip())

        secret = has("PST_SECRETS_ARN")
        url = (env.get("PST_DATABASE_URL") or "").strip()
        inventory = (env.get("PST_ERP_INVENTORY") or "erp").strip().lower()
        required = {
            "PST_DATABASE_URL (redshift://user:password@host:5439/db)":
                url.startswith("redshift://"),
            "PST_REDSHIFT_COPY_ROLE_ARN": has("PST_REDSHIFT_COPY_ROLE_ARN"),
            "PST_RAW_BUCKET": has("PST_RAW_BUCKET"),
            "GOOGLE_SHEETS_SPREADSHEET_ID": has("GOOGLE_SHEETS_SPREADSHEET_ID"),
            "GOOGLE_APPLICATION_CREDENTIALS or PST_SECRETS_ARN":
                secret or has("GOOGLE_APPLICATION_CREDENTIALS"),
            "SUPPLYBUY_BASE_URL": has("SUPPLYBUY_BASE_URL"),
            "SUPPLYBUY_API_TOKEN or PST_SECRETS_ARN": secret or has("SUPPLYBUY_API_TOKEN"),
            "SLACK_BOT_TOKEN": has("SLACK_BOT_TOKEN"),
            "PST_ERP_INVENTORY=erp (the ERP owns erp.inventory_snapshot)": inventory == "erp",
        }
        return [name for name, present in required.items() if not present]

    def refuse_incomplete_production(self, env: Mapping[str, str] | None = None) -> None:
        """Raise DeploymentNotConfigured naming every missing setting (before anything
        is written: no embedded warehouse, no sample, no Dagster run)."""
        missing = self.missing_for_production(env)
        if missing:
            raise DeploymentNotConfigured(
                "PST_DEPLOYMENT=production needs these settings, which are not set: "
                + "; ".join(missing) + " (docs/configuration.md)")


class DeploymentNotConfigured(RuntimeError):
    """PST_DEPLOYMENT=production with settings missing: nothing may start."""


def deployment() -> str:
    """PST_DEPLOYMENT, validated (`local` by default)."""
    return Settings.from_env().deployment


def plant_today() -> date:
    """Today in the plant's time zone (Settings.today, for callers without settings)."""
    return Settings.from_env().today()


# -- looked up when a resource is used: paths, connection strings, secrets ---------------

def _env(name: str) -> str | None:
    """An environment value; empty counts as unset (compose passes `${X:-}` as "")."""
    return os.environ.get(name, "").strip() or None


def pst_home() -> Path:
    """Git-ignored folder for local state: warehouse data, sample, Dagster home."""
    return Path(os.environ.get("PST_HOME", PROJECT_ROOT / ".pst")).resolve()


def database_url() -> str | None:
    """An external PostgreSQL for everything, or None for the embedded one."""
    return _env("PST_DATABASE_URL")


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
PUBLISHED_TABLE = "fact_production_schedule"


def publish_schema() -> str:
    """Where the platform publishes fact_production_schedule: `dwh`, or during the
    parallel run a schema of its own (PST_PUBLISH_SCHEMA=dwh_parallel) while the legacy
    job still owns dwh.fact_production_schedule (dbt reads the same variable)."""
    schema = (_env("PST_PUBLISH_SCHEMA") or "dwh").lower()
    if not _IDENTIFIER.match(schema):
        raise ValueError(f"PST_PUBLISH_SCHEMA must be a lower-case schema name (got {schema!r})")
    return schema


def legacy_schedule_relation() -> tuple[str, str]:
    """The legacy schedule the parallel run compares with (schema, table):
    PST_LEGACY_SCHEDULE_RELATION, default legacy.fact_production_schedule. Never the
    relation the platform publishes to."""
    text = (_env("PST_LEGACY_SCHEDULE_RELATION") or "legacy.fact_production_schedule").lower()
    parts = text.split(".")
    if len(parts) != 2 or not all(_IDENTIFIER.match(p) for p in parts):
        raise ValueError("PST_LEGACY_SCHEDULE_RELATION must be <schema>.<table> "
                         f"(got {text!r})")
    if (parts[0], parts[1]) == (publish_schema(), PUBLISHED_TABLE):
        raise ValueError(f"PST_LEGACY_SCHEDULE_RELATION is {text}, the relation the platform "
                         "publishes to: set PST_PUBLISH_SCHEMA (e.g. dwh_parallel) for the "
                         "parallel run, so that the platform never writes the legacy relation")
    return parts[0], parts[1]


def default_sample_dir() -> Path:
    return pst_home() / "sample"


def local_data_dir() -> Path:
    """Directory in the local form of sources.md (the generated sample by default)."""
    configured = _env("PST_LOCAL_DATA_DIR")
    return Path(configured).resolve() if configured else default_sample_dir()


def sheets_spreadsheet_id() -> str | None:
    return _env("GOOGLE_SHEETS_SPREADSHEET_ID")


def google_credentials_file() -> str | None:
    return _env("GOOGLE_APPLICATION_CREDENTIALS")


def sheets_api_url() -> str | None:
    """Another Sheets API base URL (a proxy, or a test server); unset = Google's."""
    return _env("PST_SHEETS_API_URL")


def supplybuy_base_url() -> str | None:
    return _env("SUPPLYBUY_BASE_URL")


def supplybuy_token() -> str | None:
    return _env("SUPPLYBUY_API_TOKEN")


def raw_bucket() -> str | None:
    return _env("PST_RAW_BUCKET")


def secrets_arn() -> str | None:
    return _env("PST_SECRETS_ARN")


def redshift_copy_role_arn() -> str | None:
    """The IAM role Redshift assumes to COPY the landed CSV files from PST_RAW_BUCKET."""
    return _env("PST_REDSHIFT_COPY_ROLE_ARN")


def erp_owns_inventory() -> bool:
    """PST_ERP_INVENTORY=erp: erp.inventory_snapshot is the ERP's, read only (the
    default of the production deployment, which refuses `local`). `local`: the
    platform loads inventory_snapshot.csv into it (the local deployment's default)."""
    default = "erp" if deployment() == "production" else "local"
    value = (_env("PST_ERP_INVENTORY") or default).lower()
    if value not in ("local", "erp"):
        raise ValueError(f"PST_ERP_INVENTORY must be 'local' or 'erp' (got {value!r})")
    return value == "erp"
