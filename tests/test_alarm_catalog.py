"""The alarm catalog of qa.md is implemented and documented, and the three agree."""

from __future__ import annotations

import re
from pathlib import Path

from orchestration.alerting.catalog import ALARMS, Route, route_of

ROOT = Path(__file__).resolve().parent.parent
CHANNEL_TEXT = {Route.ALERTS: "#production_schedule_etl_alerts", Route.MONITORING: "#monitoring",
                Route.DIGEST: "digest"}


def spec_alarms() -> dict[str, str]:
    """alarm -> severity, read from the contract's catalog (qa.md), which the project
    keeps verbatim in docs/contract/alarms.md: a plain clone has no ../shared."""
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
    assert spec_alarms(), "qa.md's alarm table could not be read"
    assert {name: a.severity.value for name, a in ALARMS.items()} == spec_alarms()


def test_operations_md_lists_every_alarm_with_its_severity_channel_and_runbook():
    rows = operations_rows()
    assert set(rows) == set(ALARMS)
    for name, cells in rows.items():
        alarm = ALARMS[name]
        severity, _condition, _raised_by, channel, runbook = cells
        assert severity == alarm.severity.value, name
        assert CHANNEL_TEXT[route_of(alarm.severity)] in channel, name
        assert f"(runbooks/{name}.md)" in runbook, name


def test_every_alarm_has_a_runbook_in_the_template_shape():
    for name, alarm in ALARMS.items():
        text = (ROOT / alarm.runbook).read_text()
        for part in (f"ALERT: {name}", f"SEVERITY: {alarm.severity.value}", "DIAGNOSTIC STEPS",
                     "REMEDIATION", "ESCALATION"):
            assert part in text, f"{alarm.runbook} lacks {part!r}"


def test_every_alarm_is_raised_somewhere_in_the_code():
    sources = "\n".join(p.read_text() for p in (ROOT / "orchestration").rglob("*.py")
                        if p.name != "catalog.py")
    for name in ALARMS:
        assert f'"{name}"' in sources, f"nothing raises {name}"
