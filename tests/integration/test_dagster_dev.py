"""The Dagster UI's own path, end to end: `make dev` (webserver + daemon) on a free
port, a 2-partition backfill launched through the webserver (the mutation the
UI's "Materialize all… → Launch backfill" sends), run by the daemon's queue in
run workers, two at a time, and the pages a planner opens rendered in a real browser.

The backfill's schedule must be row for row what the rules give for the same
partitions (the independent reference, which `make run`'s schedule equals in
test_sample_run.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo
from pathlib import Path

import pytest
import yaml
from psycopg2 import sql

from orchestration.local_instance import HEADER

from orchestration.warehouse import connect
from orchestration.warehouse.embedded import start_embedded, stop_embedded
from tests.browser import ARTIFACTS as BROWSER_ARTIFACTS
from tests.browser import CHROMIUM, chromium_context, watch_errors
from tests.integration import dagster_dev
from tests.integration.parity import schedule_differences
from tests.reference.scheduler import SCHEDULE_COLUMNS, compute_schedule

pytestmark = pytest.mark.integration

PARTITIONS = [date(2026, 11, 23), date(2026, 11, 24)]
ARTIFACTS = BROWSER_ARTIFACTS / "ui"


def allow_two_runs_at_once(dagster_home: Path) -> None:
    """What an operator may set in dagster.yaml (the platform keeps it): the backfill's
    two partitions then run at the same time, their dbt steps queued in one pool, so
    one partition's build can fall between the other's audit and publish (D64)."""
    dagster_home.mkdir(parents=True)
    (dagster_home / "dagster.yaml").write_text(
        HEADER + yaml.safe_dump({"concurrency": {"runs": {"max_concurrent_runs": 2}}}))


def schedule_far_from_now() -> dict[str, str]:
    """The daily schedule at 12 hours from now (plant time), so that its tick never
    launches today's partition in the middle of the module (it did, at 05:00)."""
    from orchestration.settings import Settings

    tz = ZoneInfo(Settings.from_env().plant_timezone)
    due = datetime.now(tz) + timedelta(hours=12)
    return {"PST_SCHEDULE_HOUR": str(due.hour), "PST_SCHEDULE_MINUTE": str(due.minute)}


@pytest.fixture(scope="module")
def dev(sample_dir, dbt_manifest, tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster-dev-home")
    allow_two_runs_at_once(home / "dagster_home")
    server = dagster_dev.start(home, {"PST_LOCAL_DATA_DIR": str(sample_dir),
                                      **schedule_far_from_now()})
    try:
        yield server
    finally:
        dagster_dev.stop(server)
        stop_embedded(home / "warehouse")


@pytest.fixture(scope="module")
def backfill_runs(dev):
    backfill_id = dagster_dev.launch_job_backfill(
        dev, "production_schedule_job", [d.isoformat() for d in PARTITIONS])
    return dagster_dev.wait_for_backfill(dev, backfill_id, expected_runs=len(PARTITIONS))


def _schedule_of(target, run_date: date) -> list[dict]:
    query = sql.SQL("select {} from dwh.fact_production_schedule where run_date = %s").format(
        sql.SQL(", ").join(map(sql.Identifier, SCHEDULE_COLUMNS)))
    with connect(target) as conn, conn.cursor() as cur:
        cur.execute(query, (run_date,))
        return [dict(zip(SCHEDULE_COLUMNS, row)) for row in cur.fetchall()]


def test_a_ui_backfill_of_two_partitions_succeeds_and_matches_the_reference(dev, backfill_runs,
                                                                            sample_dir):
    """The UI's runs publish what the rules give (the independent reference, as for
    `make run` in test_sample_run.py), row for row, for both partitions."""
    statuses = {next(t["value"] for t in r["tags"] if t["key"] == "dagster/partition"): r["status"]
                for r in backfill_runs}
    assert statuses == {d.isoformat(): "SUCCESS" for d in PARTITIONS}, dev.log_tail()
    first, second = sorted(backfill_runs, key=lambda r: r["startTime"])
    assert second["startTime"] < first["endTime"]  # the two partitions ran at the same time

    ui_warehouse = start_embedded(dev.home / "warehouse")
    for run_date in PARTITIONS:
        expected = compute_schedule(sample_dir, run_date).schedule
        assert len(expected) > 2000
        assert schedule_differences(expected, _schedule_of(ui_warehouse, run_date)) == []


LATEST_MATERIALIZATION = """
query($key: AssetKeyInput!, $partition: String!) { assetNodeOrError(assetKey: $key) {
  ... on AssetNode { assetMaterializations(partitions: [$partition], limit: 1) {
    metadataEntries { label ... on MarkdownMetadataEntry { mdStr }
                      ... on PathMetadataEntry { path } } } } } }
"""


def test_the_backfill_wrote_each_partitions_report_and_the_publish_links_it(dev, backfill_runs):
    """The planners' report is an asset of the daily job: the daemon's runs write it, and
    the publish asset's materialization carries tomorrow's schedule and the link."""
    for run_date in PARTITIONS:
        report = dev.home / "reports" / f"schedule_{run_date}.html"
        assert report.exists() and report.stat().st_size > 100_000  # the inlined charts
        [published] = dev.graphql(LATEST_MATERIALIZATION, {
            "key": {"path": ["dwh", "fact_production_schedule"]},
            "partition": run_date.isoformat()})["assetNodeOrError"]["assetMaterializations"]
        entries = {e["label"]: e for e in published["metadataEntries"]}
        assert entries["schedule report"]["path"] == str(report)
        assert "| line type | item | lines | units | in full |" in entries[
            "tomorrow's schedule"]["mdStr"]
        assert "| scheduled_in_full |" in entries["rows by reason code"]["mdStr"]


CHECK_EXECUTIONS = """
query($key: AssetKeyInput!, $check: String!) {
  assetCheckExecutions(assetKey: $key, checkName: $check, limit: 10) { status partition runId }
}
"""


def test_checks_of_the_backfill_belong_to_their_partition(dev, backfill_runs):
    """dbt tests and the platform's checks are partitioned: each result names its run_date."""
    for key, check in ((["stg2", "fact_production_schedule_staged"],
                        "assert_fps_rule1_pool_lines_within_lines_available"),
                       (["stg2", "fact_production_schedule_staged"], "prod_schedule_row_count"),
                       (["dwh", "fact_production_schedule"], "assert_published_schedule_matches_staged"),
                       (["dwh", "fact_production_schedule"], "row_count")):
        executions = dev.graphql(CHECK_EXECUTIONS, {"key": {"path": key}, "check": check})[
            "assetCheckExecutions"]
        assert {e["partition"] for e in executions} == {d.isoformat() for d in PARTITIONS}, check
        assert {e["status"] for e in executions} == {"SUCCEEDED"}, check


ASSET_DETAILS = """
query($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) { ... on AssetNode {
  groupName owners { ... on TeamAssetOwner { team } ... on UserAssetOwner { email } }
  metadataEntries { label } assetChecksOrError { ... on AssetChecks { checks {
    name description } } } } } }
"""


def test_assets_show_owners_runbooks_and_no_stub_group(dev):
    loads = dev.graphql(ASSET_DETAILS, {"key": {"path": ["raw", "source_loads"]}})[
        "assetNodeOrError"]
    assert loads["groupName"] == "sources"  # declared, not an auto-created stub in `default`
    staged = dev.graphql(ASSET_DETAILS, {"key": {"path": ["stg2", "fact_production_schedule_staged"]}})[
        "assetNodeOrError"]
    assert staged["owners"] == [{"team": "data-engineering"}]
    checks = {c["name"]: c["description"] for c in staged["assetChecksOrError"]["checks"]}
    assert "docs/runbooks/prod-schedule-row-count-critical.md" in checks["prod_schedule_row_count"]
    assert "docs/runbooks/business-rule-violation.md" in checks[
        "assert_fps_rule1_pool_lines_within_lines_available"]
    assert "docs" in {m["label"] for m in staged["metadataEntries"]}  # the asset's doc link


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_the_ui_pages_render_without_console_errors(dev, backfill_runs):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "asset-graph": ("/asset-groups", "scheduling"),
        "published-schedule-partitions": ("/assets/dwh/fact_production_schedule?view=partitions",
                                          "2026-11-24"),
        "staged-schedule-checks": ("/assets/stg2/fact_production_schedule_staged?view=checks",
                                   "Runbook (prod-schedule-job-failed)"),
        "job": ("/locations/production_scheduling/jobs/production_schedule_job", "Materialize all"),
        "published-schedule-events": ("/assets/dwh/fact_production_schedule?view=events",
                                      "changes since the previous plan"),
    }
    with chromium_context() as context:
        for name, (path, expected_text) in pages.items():
            page = context.new_page()
            errors = watch_errors(page)
            page.goto(dev.url + path, wait_until="networkidle", timeout=120_000)
            skip = page.get_by_role("button", name="Skip")  # Dagster's first-visit newsletter
            if skip.count():
                skip.first.click()
            page.get_by_text(expected_text).first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
            assert errors == [], f"{name}: console errors {errors}"
            page.close()
