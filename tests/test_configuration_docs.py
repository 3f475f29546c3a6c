"""Every environment variable the code reads is documented and in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READS = re.compile(
    r"""(?:environ\.get|environ\.setdefault|environ\[|env\.get|getenv|_env|EnvVar|env_var)\(?\s*["']([A-Z][A-Z0-9_]+)["']""")
# Variables the platform sets for dbt itself, not user configuration.
SET_BY_THE_PLATFORM = {"PST_PG_HOST", "PST_PG_PORT", "PST_PG_USER", "PST_PG_PASSWORD",
                       "PST_PG_DBNAME", "DAGSTER_DBT_CLI", "PST_DBT_RUN_DATE"}
# The operating system's: executables, and the login name behind the analysts' schemas.
SYSTEM = {"PATH", "USER"}


def variables_read_by_the_code() -> set[str]:
    found = set()
    for folder, pattern in (("orchestration", "*.py"), ("dbt_project", "*.yml"),
                            ("dbt_project", "*.sql")):
        for path in (ROOT / folder).rglob(pattern):
            if "target" in path.relative_to(ROOT).parts:
                continue
            found |= set(READS.findall(path.read_text()))
    return found - SYSTEM


def test_the_scan_finds_what_the_code_reads():
    found = variables_read_by_the_code()
    assert {"PST_DATABASE_URL", "SUPPLYBUY_BASE_URL", "REDSHIFT_HOST", "PST_SMTP_HOST"} <= found


def test_every_variable_is_in_the_configuration_table():
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (ROOT / "docs/configuration.md").read_text()))
    assert variables_read_by_the_code() - documented == set()


def test_every_user_variable_is_in_env_example():
    example = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    missing = variables_read_by_the_code() - SET_BY_THE_PLATFORM - {"DAGSTER_HOME"} - example
    assert missing == set()
