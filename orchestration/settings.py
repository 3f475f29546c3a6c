"""Environment-driven settings, read when asked for (never at import time).

Reading lazily lets tests and `make run` set the environment before anything
resolves it, and keeps the Dagster definitions importable with no env at all.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

DEFAULT_PLANT_TIMEZONE = "America/Chicago"
DEFAULT_PARTITIONS_START = date(2026, 11, 1)


def pst_home() -> Path:
    """Git-ignored folder for local state: warehouse data, sample, Dagster home."""
    return Path(os.environ.get("PST_HOME", PROJECT_ROOT / ".pst")).resolve()


def plant_timezone() -> str:
    return os.environ.get("PST_PLANT_TIMEZONE", DEFAULT_PLANT_TIMEZONE)


def plant_today() -> date:
    """The normal daily run is run_date = today in the plant's time zone."""
    return datetime.now(ZoneInfo(plant_timezone())).date()


def partitions_start() -> date:
    """The first run_date partition: where this deployment's data starts."""
    value = os.environ.get("PST_PARTITIONS_START", "").strip()
    if not value:
        return DEFAULT_PARTITIONS_START
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"PST_PARTITIONS_START must be a date YYYY-MM-DD (got {value!r})") from None


def database_url() -> str | None:
    """An external PostgreSQL for everything, or None for the embedded one."""
    return os.environ.get("PST_DATABASE_URL") or None


def default_sample_dir() -> Path:
    return pst_home() / "sample"


def local_data_dir() -> Path:
    """Directory in the local form of sources.md (the generated sample by default)."""
    configured = os.environ.get("PST_LOCAL_DATA_DIR")
    return Path(configured).resolve() if configured else default_sample_dir()


# Production sources and AWS (docs/configuration.md). Unset = the local form.

def _env(name: str) -> str | None:
    return os.environ.get(name, "").strip() or None


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


def erp_owns_inventory() -> bool:
    """PST_ERP_INVENTORY=erp: erp.inventory_snapshot is the ERP's (production), read only.
    Default `local`: the platform loads inventory_snapshot.csv into it."""
    value = (_env("PST_ERP_INVENTORY") or "local").lower()
    if value not in ("local", "erp"):
        raise ValueError(f"PST_ERP_INVENTORY must be 'local' or 'erp' (got {value!r})")
    return value == "erp"


def step_retries() -> int:
    """Retries of a failed fetch step (read when the definitions load)."""
    return int(_env("PST_STEP_RETRIES") or 3)


def step_retry_delay_seconds() -> float:
    """First delay of the step retries; doubles each time (exponential backoff)."""
    return float(_env("PST_RETRY_DELAY_SECONDS") or 30)


def schedule_hour() -> int:
    """The daily run's hour, plant time (PST_SCHEDULE_HOUR, default 5)."""
    return int(_env("PST_SCHEDULE_HOUR") or 5)


def schedule_minute() -> int:
    return int(_env("PST_SCHEDULE_MINUTE") or 0)
