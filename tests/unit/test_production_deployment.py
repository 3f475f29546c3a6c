"""PST_DEPLOYMENT selects the whole resource set: production is Redshift through one
setting (PST_DATABASE_URL serves dbt and every Python connection), refuses to
start naming every missing setting, and never starts the embedded warehouse or
writes a sample."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from orchestration.settings import PROJECT_ROOT, DeploymentNotConfigured, Settings
from orchestration.warehouse.target import parse_database_url
from tests.integration.conftest import environment

COMPLETE = {
    "PST_DEPLOYMENT": "production",
    "PST_DATABASE_URL": "redshift://pst:secret@cluster.example.redshift.amazonaws.com:5439/analytics",
    "PST_REDSHIFT_COPY_ROLE_ARN": "arn:aws:iam::123456789012:role/pst-redshift-copy",
    "PST_RAW_BUCKET": "pst-raw",
    "GOOGLE_SHEETS_SPREADSHEET_ID": "sheet",
    "PST_SECRETS_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:pst/prod",
    "SUPPLYBUY_BASE_URL": "https://supplybuy.example",
    "SLACK_BOT_TOKEN": "stand-in-slack-token",
}
EVERY_SETTING = ["PST_DATABASE_URL", "PST_REDSHIFT_COPY_ROLE_ARN", "PST_RAW_BUCKET",
                 "GOOGLE_SHEETS_SPREADSHEET_ID",
                 "GOOGLE_APPLICATION_CREDENTIALS or PST_SECRETS_ARN", "SUPPLYBUY_BASE_URL",
                 "SUPPLYBUY_API_TOKEN or PST_SECRETS_ARN", "SLACK_BOT_TOKEN"]


def test_one_redshift_url_configures_dbt_and_python_alike():
    target = parse_database_url(COMPLETE["PST_DATABASE_URL"])
    assert target.is_redshift and target.dbt_target == "redshift"
    assert target.psycopg2_kwargs["sslmode"] == "require"
    assert target.dbt_env() == {
        "REDSHIFT_HOST": "cluster.example.redshift.amazonaws.com", "REDSHIFT_PORT": "5439",
        "REDSHIFT_USER": "pst", "REDSHIFT_PASSWORD": "secret", "REDSHIFT_DBNAME": "analytics"}
    assert "secret" not in target.describe()
    local = parse_database_url("postgresql://u:p@db:5432/pst")
    assert not local.is_redshift and local.dbt_target == "local" and "sslmode" not in \
        local.psycopg2_kwargs


def test_the_deployment_decides_the_dbt_target():
    assert Settings.from_env({}).dbt_target == "local"
    assert Settings.from_env({"PST_DEPLOYMENT": "production"}).dbt_target == "redshift"


def test_production_names_every_missing_setting_at_once():
    missing = Settings.from_env({"PST_DEPLOYMENT": "production"}).missing_for_production({})
    assert [m.split(" (")[0] for m in missing] == EVERY_SETTING
    assert Settings.from_env(COMPLETE).missing_for_production(COMPLETE) == []
    postgres = {**COMPLETE, "PST_DATABASE_URL": "postgresql://u:p@db/pst"}
    assert [m.split(" (")[0] for m in Settings.from_env(postgres).missing_for_production(
        postgres)] == ["PST_DATABASE_URL"]
    local_inventory = {**COMPLETE, "PST_ERP_INVENTORY": "local"}
    assert Settings.from_env(local_inventory).missing_for_production(local_inventory) == [
        "PST_ERP_INVENTORY=erp (the ERP owns erp.inventory_snapshot)"]


def test_production_reads_the_erps_inventory_by_default():
    from orchestration import settings

    with environment(PST_DEPLOYMENT="production", PST_ERP_INVENTORY=None):
        assert settings.erp_owns_inventory()
    with environment(PST_DEPLOYMENT=None, PST_ERP_INVENTORY=None):
        assert not settings.erp_owns_inventory()


def test_the_warehouse_of_an_incomplete_production_is_refused_not_embedded(tmp_path):
    from orchestration.warehouse import ensure_warehouse

    with environment(PST_DEPLOYMENT="production", PST_DATABASE_URL=None,
                     PST_HOME=str(tmp_path / "home")):
        with pytest.raises(DeploymentNotConfigured, match="PST_DATABASE_URL"):
            ensure_warehouse()
    assert not (tmp_path / "home").exists()


def test_a_redshift_url_in_the_local_deployment_is_refused():
    from orchestration.warehouse import ensure_warehouse

    with environment(PST_DEPLOYMENT=None, PST_DATABASE_URL=COMPLETE["PST_DATABASE_URL"]):
        with pytest.raises(DeploymentNotConfigured, match="PST_DEPLOYMENT=production"):
            ensure_warehouse()


def test_the_soda_contracts_run_through_soda_redshift_on_redshift():
    from orchestration.defs.soda.contracts import _data_source

    source = _data_source(parse_database_url(COMPLETE["PST_DATABASE_URL"]))
    assert type(source).__module__.startswith("soda_redshift")
    assert type(_data_source(parse_database_url("postgresql://u:p@h/db"))).__module__.startswith(
        "soda_postgres")


def test_make_run_in_an_unconfigured_production_stops_in_seconds(tmp_path):
    """`PST_DEPLOYMENT=production make run` with nothing configured: exit 2, every
    setting named, no embedded warehouse, no sample, no Dagster home."""
    home = tmp_path / "pst"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PST_HOME": str(home),
           "DAGSTER_HOME": str(tmp_path / "dagster"), "PST_DEPLOYMENT": "production"}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "orchestration.run", "--run-date",
                             "2026-11-23"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    for name in EVERY_SETTING:
        assert name in result.stderr
    assert not home.exists() and not (tmp_path / "dagster").exists()
    print(f"refused in {elapsed:.1f} s")
