"""The alarm catalog of qa.md is implemented and documented, and the three agree."""

from __future__ import annotations

import re
from pathlib import Path

from orchestration.alarms import ALARMS, CONTRACT_ALARMS, Route, route_of

ROOT = Path(__file__).resolve().parent.parent
CHANNEL_TEXT = {Route.ALERTS: "#production_schedule_etl_alerts", Route.MONITORING: "#monitoring",
                Route.DIGEST: "digest"}


def spec_alarms() -> dict[str, str]:
    """alarm -> severity, read from the project's verbatim copy of the contract's
    catalog (docs/contract/alarms.md): the test reads only the repository."""
    text = (ROOT / "docs/contract/alarms.md").read_text()
    return dict(re.findall(r"^\| `([a-z0-9-]+)` \| (P[1-4]) \|", text, re.M))


def operations_rows() -> dict[str, list[str]]:
    text = (ROOT / "docs/operations.md").read_text()
    rows = {}
    for line in text.splitlines():
        match = re.match(r"^\| `([a-z0-9-]+)` \|(.*)\|$", line)
        if match and match.group(1) in ALARMS:
            rows[match.group(1)] = [c.strip() for c in match.group(2).split("|")]
    return rows


def test_the_catalog_is_the_specs_catalog():
    """Every alarm of the contract, with its severity; the platform's own alarms beyond it
    (contract=False) are not in the contract's table."""
    assert spec_alarms(), "qa.md's alarm table could not be read"
    assert {name: a.severity.value for name, a in CONTRACT_ALARMS.items()} == spec_alarms()
    assert not set(ALARMS).difference(CONTRACT_ALARMS) & set(spec_alarms())


def test_operations_md_lists_every_alarm_with_its_severity_channel_and_runbook():
    rows = operations_rows()
    assert set(rows) == set(ALARMS)
    for name, cells in rows.items():
        alarm = ALARMS[name]
        severity, condition, _raised_by, channel, runbook = cells
        assert severity == alarm.severity.value, name
        # the numbers people read are the settings' (orchestration/settings.py Thresholds)
        assert condition == alarm.condition, name
        assert CHANNEL_TEXT[route_of(alarm.severity)] in channel, name
        assert f"(runbooks/{name}.md)" in runbook, name


def test_every_alarm_has_a_runbook_in_the_template_shape():
    for name, alarm in ALARMS.items():
        text = (ROOT / alarm.runbook).read_text()
        for part in (f"ALERT: {name}", f"SEVERITY: {alarm.severity.value}", "DIAGNOSTIC STEPS",
                     "REMEDIATION", "ESCALATION"):
            assert part in text, f"{alarm.runbook} lacks {part!r}"




def test_the_catalog_renders_the_thresholds_in_force():
    from orchestration.alarms import AlarmName, catalog
    from orchestration.settings import Thresholds

    tight = catalog(Thresholds(row_count_critical_share=0.6, capacity_overflow_share=0.25,
                               freshness_hours=12, row_count_baseline_run_dates=5))
    assert "< 60% of the average of the previous 5 run_dates" in tight[
        AlarmName.ROW_COUNT_CRITICAL].condition
    assert "> 25% of tomorrow's candidates" in tight[AlarmName.CAPACITY_OVERFLOW].condition
    assert "older than 12 h" in tight[AlarmName.DATA_FRESHNESS].condition


def test_dbt_vars_default_to_the_settings():
    """H, W and R have one owner (Scheduling), the parallel run's tolerance one
    (Thresholds); dbt_project.yml repeats them for a plain `dbt build`, and must say
    the same."""
    import yaml

    from orchestration.settings import Scheduling, Thresholds

    declared = yaml.safe_load((ROOT / "dbt_project/dbt_project.yml").read_text())["vars"]
    s = Scheduling()
    assert declared == {"horizon_days": s.horizon_days, "demand_window_days": s.demand_window_days,
                        "line_rounding_increment": float(s.line_rounding_increment),
                        "parallel_run_max_mismatch_share":
                            Thresholds().parallel_run_max_mismatch_share}
