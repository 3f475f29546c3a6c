"""Every QA code of qa.md, produced from real input and checked end to end.

One damaged copy of the sample carries every fault on an entity of its own;
the partition is run once through Dagster and dbt, then each test asserts its
finding (code and keys) and that the offending row did not reach the schedule.

The findings reach a person: the run's alerts go to a Slack stand-in (the
qa-findings-excluded-rows P3 with the counts and the first rows), and the last
test re-runs the partition on the clean sample (nothing sent, the P3 closed).
Tests run in file order; the re-run comes last because it replaces the run's
stg2 tables.
"""

from __future__ import annotations

import csv
import html
import shutil
from datetime import date, timedelta
from decimal import Decimal

import psycopg2
import pytest
from psycopg2 import sql

from tests.fakes.slack_server import FakeSlack
from tests.integration.conftest import environment, run_partition, route_findings
from tests.integration.parity import fetch_dicts, published_schedule, schedule_differences
from tests.reference.scheduler import compute_schedule

pytestmark = pytest.mark.integration

RUN_DATE = date(2026, 11, 18)
WINDOW = [RUN_DATE + timedelta(days=i) for i in range(1, 31 + 7)]
MISSING_FORECAST_DATE = RUN_DATE + timedelta(days=20)
TOKEN = "test-bot-token"
RUNBOOKS = "https://git.example/pst/blob/main"
QA_ALARMS = ("qa-findings-excluded-rows", "qa-findings-summary")
ITEM_HEADER = ["item_id", "item_name", "manufacturing_location", "line_type", "is_automated",
               "units_per_line_day", "changeover_lines", "safety_stock_days",
               "target_days_of_supply", "is_active"]


def _read(path):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        return next(reader), list(reader)


def _write(path, header, rows):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _append(path, rows) -> list[int]:
    """Append rows; return their sheet row numbers (header = row 1)."""
    header, existing = _read(path)
    _write(path, header, existing + rows)
    return list(range(len(existing) + 2, len(existing) + 2 + len(rows)))


def _item(item_id, location="PLANT-ATL", line_type="AUTO-FILL", automated="TRUE", rate="500",
          changeover="0.5", safety="2", target="5", active="TRUE"):
    return dict(zip(ITEM_HEADER, [item_id, f"Test {item_id}", location, line_type, automated,
                                  rate, changeover, safety, target, active]))


@pytest.fixture(scope="module")
def slack():
    with FakeSlack(token=TOKEN) as fake:
        yield fake


def alert_env(slack) -> dict:
    """The run's alerts to the Slack stand-in, runbook links under RUNBOOKS."""
    return dict(SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.api_url,
                PST_RUNBOOK_BASE_URL=RUNBOOKS)


@pytest.fixture(scope="module")
def faults(sample_dir, tmp_path_factory, dbt_manifest, slack):
    data = tmp_path_factory.mktemp("qa-faults")
    for source in sample_dir.iterdir():
        data.joinpath(source.name).write_bytes(source.read_bytes())
    rows = {}
    header, items = _read(data / "items.csv")
    item_rows = [dict(zip(header, r)) for r in items]
    duplicated = item_rows[1]  # the second item (row 3) is repeated later: code 6
    new_items = [
        _item("I-9002", rate="0"),                    # code 2
        _item("I-9003", safety="3", target="1"),      # code 3
        _item("I-9008", automated="maybe"),           # code 8 only (untypeable)
        _item("I-9010", line_type="PILOT"),           # no staffing: missing inputs code 1
        _item("I-Z1", location="PLANT-ZZZ", line_type="LT-Z", changeover="1"),  # fps_errors 01
        {**duplicated, "units_per_line_day": "999"},  # code 6: wins over row 3
        # inactive rows are only typed: a zero rate and target < safety raise nothing
        _item("I-9004", rate="0", safety="3", target="1", active="FALSE"),
        # exact inventory (6 and 9 decimals, hand-computed below): manual, 10 units a day
        _item("I-9020", line_type="MANUAL-ASSY", automated="FALSE", rate="500", safety="3",
              target="5"),
        _item("I-9021", line_type="MANUAL-ASSY", automated="FALSE", rate="500", safety="3",
              target="5"),
    ]
    numbers = _append(data / "items.csv", [[r[h] for h in header] for r in new_items])
    rows["item"] = dict(zip(["I-9002", "I-9003", "I-9008", "I-9010", "I-Z1", "dup", "I-9004",
                             "I-9020", "I-9021"], numbers))
    rows["duplicated_item"] = (duplicated["item_id"].strip(), 3)

    rows["staffing_negative"] = _append(data / "staffing.csv", [
        ["PLANT-ATL", "AUTO-FILL", (RUN_DATE + timedelta(days=2)).isoformat(), "-2"]])[0]
    _append(data / "staffing_defaults.csv",
            [["PLANT-ZZZ", "LT-Z", str(day), "0.5"] for day in range(1, 8)])
    rows["dc_dup"] = _append(data / "dc_mapping.csv", [["DC-01", "PLANT-ATL"],
                                                       ["DC-ZZ", "PLANT-ZZZ"]])

    header, forecasts = _read(data / "forecasts.csv")
    forecasts = [r for r in forecasts if r[2] != MISSING_FORECAST_DATE.isoformat()]
    _write(data / "forecasts.csv", header, forecasts)
    extra = []
    for day in WINDOW:
        if day == MISSING_FORECAST_DATE:
            continue
        for item_id in ("I-9002", "I-9003", "I-9008", "I-9010"):
            extra.append([item_id, "DC-01", day.isoformat(), "400"])
        extra.append(["I-Z1", "DC-ZZ", day.isoformat(), "300"])
        for item_id in ("I-9020", "I-9021"):
            extra.append([item_id, "DC-01", day.isoformat(), "10"])
        extra.append(["I-GHOST", "DC-01", day.isoformat(), "10"])  # unknown capacity
    extra += [["I-0001", "DC-99", WINDOW[0].isoformat(), "5"],
              ["I-0001", "DC-99", WINDOW[1].isoformat(), "5"]]  # code 1: unmapped DC
    numbers = _append(data / "forecasts.csv", extra + [
        ["I-0001", "DC-04", WINDOW[2].isoformat(), "-5"],          # code 7: negative units
        ["I-0001", "DC-04", WINDOW[3].isoformat(), "1,5"],         # code 7: units not plain
        ["", "DC-04", WINDOW[3].isoformat(), "5"],                 # code 8: blank item_id
        ["I-0001", "DC-04", WINDOW[4].strftime("%m/%d/%Y"), "5"],  # code 8: date not ISO
    ])
    rows["forecast_negative"], rows["forecast_units_text"] = numbers[-4], numbers[-3]
    rows["forecast_blank_item"], rows["forecast_us_date"] = numbers[-2], numbers[-1]

    inventory = _append(data / "inventory_snapshot.csv", [
        ["I-0001", "DC-99", (RUN_DATE - timedelta(days=3)).isoformat(), "10"],
        ["I-0002", "DC-01", (RUN_DATE - timedelta(days=3)).isoformat(), "abc"],
        ["I-0003", "", RUN_DATE.isoformat(), "4"],                          # code 8: blank DC
        ["I-0004", "DC-01", RUN_DATE.strftime("%m/%d/%Y"), "4"],            # code 8: date
        ["I-9020", "DC-01", (RUN_DATE - timedelta(days=1)).isoformat(), "29.999998"],
        ["I-9021", "DC-01", (RUN_DATE - timedelta(days=1)).isoformat(), "12.123456789"],
    ])
    rows["inventory_bad"], rows["inventory_blank_dc"], rows["inventory_us_date"] = inventory[1:4]

    assert run_partition(RUN_DATE, data, **alert_env(slack)) == 0
    return data, rows


def qa(code: str, **keys) -> list[dict]:
    found = fetch_dicts("select * from stg2.ps_qa_inputs where run_date = %s and code = %s",
                        (RUN_DATE, code))
    return [f for f in found if all(f[k] == v for k, v in keys.items())]


def scheduled_items() -> set[str]:
    return {r["item_id"] for r in published_schedule(RUN_DATE)}


def test_code_1_unmapped_dc_counts_rows_per_source(faults):
    assert [f["row_count"] for f in qa("1", source="forecasts", distribution_center="DC-99")] == [2]
    assert [f["row_count"] for f in qa("1", source="inventory_snapshot",
                                       distribution_center="DC-99")] == [1]


def test_code_2_zero_rate_item_excluded(faults):
    _, rows = faults
    assert qa("2", source="items", row_number=rows["item"]["I-9002"], item_id="I-9002")
    assert "I-9002" not in scheduled_items()


def test_code_3_target_below_safety_excluded(faults):
    _, rows = faults
    assert qa("3", source="items", row_number=rows["item"]["I-9003"], item_id="I-9003")
    assert "I-9003" not in scheduled_items()


def test_code_4_negative_staffing_falls_back_to_default(faults):
    data, rows = faults
    assert qa("4", source="staffing", row_number=rows["staffing_negative"])
    day = RUN_DATE + timedelta(days=2)
    [pool_day] = fetch_dicts(
        "select lines_available from stg2.ps_staffing_by_dt where manufacturing_location = "
        "'PLANT-ATL' and line_type = 'AUTO-FILL' and dt = %s", (day,))
    [expected] = [r["lines_available"] for r in compute_schedule(data, RUN_DATE).staffing_by_dt
                  if (r["manufacturing_location"], r["line_type"], r["dt"])
                  == ("PLANT-ATL", "AUTO-FILL", day)]
    assert pool_day["lines_available"] == expected >= 0


def test_code_5_duplicate_mapping_loser_reported(faults):
    assert qa("5", source="dc_mapping", row_number=2, distribution_center="DC-01")


def test_code_6_duplicate_item_loser_reported_winner_used(faults):
    _, rows = faults
    item_id, loser_row = rows["duplicated_item"]
    assert qa("6", source="items", row_number=loser_row, item_id=item_id)
    rates = fetch_dicts("select units_per_line_day from stg2.int_items__valid where item_id = %s",
                        (item_id,))
    assert [float(r["units_per_line_day"]) for r in rates] == [999.0]


def test_code_7_is_the_units_column_only(faults):
    _, rows = faults
    assert qa("7", source="forecasts", row_number=rows["forecast_negative"])
    assert qa("7", source="forecasts", row_number=rows["forecast_units_text"])
    assert qa("7", source="inventory_snapshot", row_number=rows["inventory_bad"])


def test_code_8_covers_forecast_and_inventory_rows_whose_key_or_date_cannot_be_typed(faults):
    _, rows = faults
    expected = {("forecasts", rows["forecast_blank_item"]), ("forecasts", rows["forecast_us_date"]),
                ("inventory_snapshot", rows["inventory_blank_dc"]),
                ("inventory_snapshot", rows["inventory_us_date"])}
    found = {(f["source"], f["row_number"]) for f in qa("8")}
    assert expected <= found
    assert not expected & {(f["source"], f["row_number"]) for f in qa("7")}


def test_codes_2_and_3_apply_to_active_items_only(faults):
    _, rows = faults
    inactive_row = rows["item"]["I-9004"]
    findings = fetch_dicts("select code from stg2.ps_qa_inputs where run_date = %s and "
                           "source = 'items' and row_number = %s", (RUN_DATE, inactive_row))
    assert findings == []


def test_inventory_keeps_every_decimal_it_was_given(faults):
    """Hand-computed first plan date (W = 7, 10 units a day at DC-01, safety 3, target 5):
    window_sum = 70; inv0 = 29.999998 -> days_of_supply = 7 * 29.999998 / 70 = 2.9999998,
    under safety 3 - 1e-9: reactive (rounded to 30 it would be exactly 3: proactive);
    need = 5 * 10 + 10 - 29.999998 = 30.000002. inv0 = 12.123456789 -> 1.2123456789 days."""
    first = {r["item_id"]: r for r in published_schedule(RUN_DATE)
             if r["fps_dt"] == RUN_DATE + timedelta(days=1) and r["item_id"] in ("I-9020", "I-9021")}
    assert first["I-9020"]["projected_inventory"] == Decimal("29.999998")
    assert first["I-9020"]["days_of_supply"] == Decimal("2.9999998")
    assert first["I-9020"]["need_units"] == Decimal("30.000002")
    assert first["I-9020"]["schedule_class"] == "non_automated_reactive"
    assert first["I-9021"]["projected_inventory"] == Decimal("12.123456789")
    assert first["I-9021"]["days_of_supply"] == Decimal("1.2123456789")
    [landed] = fetch_dicts("select on_hand_units from erp.inventory_snapshot where item_id = "
                           "'I-9020' and distribution_center = 'DC-01'")
    assert landed["on_hand_units"] == Decimal("29.999998")


def test_code_8_untypeable_cell_only_code_8(faults):
    _, rows = faults
    row_number = rows["item"]["I-9008"]
    codes = {f["code"] for f in fetch_dicts(
        "select code from stg2.ps_qa_inputs where run_date = %s and source = 'items' "
        "and row_number = %s", (RUN_DATE, row_number))}
    assert codes == {"8"}
    assert "I-9008" not in scheduled_items()


def test_missing_staffing_reported_per_plan_date(faults):
    missing = fetch_dicts("select dt from stg2.ps_qa_missing_inputs where run_date = %s and "
                          "code = '1' and line_type = 'PILOT'", (RUN_DATE,))
    assert len(missing) == 31
    pilot = [r for r in published_schedule(RUN_DATE) if r["item_id"] == "I-9010"]
    assert pilot and all(r["production_lines"] == 0 and r["lines_available"] == 0 for r in pilot)


def test_missing_forecast_date_reported(faults):
    missing = fetch_dicts("select dt from stg2.ps_qa_missing_inputs where run_date = %s and "
                          "code = '2'", (RUN_DATE,))
    assert [r["dt"] for r in missing] == [MISSING_FORECAST_DATE]


def test_unknown_capacity_alerted_and_demand_excluded(faults):
    alerts = fetch_dicts("select * from stg2.production_capacity_alerting where run_date = %s "
                         "and item_id = 'I-GHOST'", (RUN_DATE,))
    assert [(a["manufacturing_location"], float(a["total_forecast_units"])) for a in alerts] == [
        ("PLANT-ATL", 360.0)]  # 36 window dates (one removed) x 10 units
    assert "I-GHOST" not in scheduled_items()


def test_fps_error_01_location_with_staffing_and_candidates_but_no_lines(faults):
    errors = fetch_dicts("select code, manufacturing_location from stg2.ps_fps_errors "
                         "where run_date = %s", (RUN_DATE,))
    assert {"code": "01", "manufacturing_location": "PLANT-ZZZ"} in errors


def test_damaged_run_still_matches_reference(faults):
    data, _ = faults
    expected = compute_schedule(data, RUN_DATE).schedule
    assert schedule_differences(expected, published_schedule(RUN_DATE)) == []


# -- the findings reach a person (qa-findings-excluded-rows, qa-findings-summary) ----------

# qa.md's "excluded" column: which QA tables' findings leave input rows out of the schedule
EXCLUDING = {"ps_qa_inputs": True, "production_capacity_alerting": True,
             "ps_qa_missing_inputs": False, "ps_fps_errors": False}


def qa_messages(slack, start: int = 0) -> list:
    return [m for m in slack.messages[start:] if m.text.split()[1] in QA_ALARMS]


def numbers_of(message) -> dict[str, str]:
    """The "Numbers" section of a Slack alert as {key: value} (mrkdwn unescaped)."""
    [section] = [b["text"]["text"] for b in message.blocks
                 if b["type"] == "section" and "text" in b
                 and b["text"]["text"].startswith("*Numbers*")]
    lines = [html.unescape(line[2:]) for line in section.splitlines()[1:]]
    return dict(line.split(": ", 1) for line in lines)


def counts_in_the_qa_tables() -> dict[str, tuple[int, int]]:
    """label -> (findings, input rows excluded), read from the four QA tables themselves."""
    out = {}
    for code, n, rows in [tuple(r.values()) for r in fetch_dicts(
            "select code, count(*), sum(coalesce(row_count, 1)) from stg2.ps_qa_inputs "
            "where run_date = %s group by code", (RUN_DATE,))]:
        out[f"ps_qa_inputs code {code}"] = (n, rows)
    [capacity] = fetch_dicts("select count(*) as n, sum(row_count) as rows from "
                             "stg2.production_capacity_alerting where run_date = %s", (RUN_DATE,))
    if capacity["n"]:
        out["production_capacity_alerting"] = (capacity["n"], capacity["rows"])
    for table in ("ps_qa_missing_inputs", "ps_fps_errors"):
        for r in fetch_dicts(sql.SQL("select code, count(*) as n from {} where run_date = %s "
                                     "group by code").format(sql.Identifier("stg2", table)),
                             (RUN_DATE,)):
            out[f"{table} code {r['code']}"] = (r["n"], 0)
    return out


def expected_count_text(label: str, findings: int, rows: int) -> str:
    found = f"{findings:,} finding{'s' if findings != 1 else ''}"
    if not EXCLUDING[label.split()[0]]:
        return f"{found}, nothing excluded"
    return f"{found}, {rows:,} input row{'s' if rows != 1 else ''} excluded"


def test_excluded_rows_reach_monitoring_once_with_counts_first_rows_and_runbook(faults, slack):
    _, rows = faults
    [alert] = qa_messages(slack)  # exactly one QA alert, and it is the P3
    assert alert.channel == "#monitoring"
    assert alert.text.startswith(f"P3 qa-findings-excluded-rows [{RUN_DATE}]")
    assert f"{RUNBOOKS}/docs/runbooks/qa-findings-excluded-rows.md" in alert.text
    numbers = numbers_of(alert)

    # the counts by (QA table, code) are the QA tables' own, each table's excluded or not
    expected = counts_in_the_qa_tables()
    assert {"ps_qa_inputs code 8", "production_capacity_alerting", "ps_qa_missing_inputs code 1",
            "ps_fps_errors code 01"} <= set(expected)
    assert {k[len("count "):]: v for k, v in numbers.items() if k.startswith("count ")} == {
        label: expected_count_text(label, n, r) for label, (n, r) in expected.items()}
    assert numbers["findings"] == str(sum(n for n, _ in expected.values()))
    assert numbers["excluded_input_rows"] == str(
        sum(r for label, (_, r) in expected.items() if EXCLUDING[label.split()[0]]))
    # the faults of this module, as built: I-GHOST and the three invalid items have demand
    assert expected["production_capacity_alerting"] == (4, 4 * 36)
    assert expected["ps_qa_inputs code 8"] == (5, 5)
    assert expected["ps_qa_missing_inputs code 1"] == (31, 0)

    # the first rows: the first finding of each kind, ps_qa_inputs codes 1-8 first
    first = [numbers[f"first row {i}"] for i in range(1, 11)]
    assert [row.split(" | ")[0] for row in first] == [
        *(f"ps_qa_inputs {code}" for code in "12345678"), "production_capacity_alerting",
        "ps_qa_missing_inputs 1"]
    assert first[0].startswith("ps_qa_inputs 1 | forecasts | distribution_center = 'DC-99' | "
                               "distribution center DC-99 has no valid row in the dc_mapping tab")
    assert first[1].startswith(f"ps_qa_inputs 2 | items row {rows['item']['I-9002']} | "
                               "units_per_line_day = '0' | ")
    assert first[3].startswith(f"ps_qa_inputs 4 | staffing row {rows['staffing_negative']} | "
                               "lines_staffed = '-2' | ")
    assert first[7].startswith(f"ps_qa_inputs 8 | forecasts row {rows['forecast_blank_item']} | "
                               "item_id = (blank) | ")
    assert first[8].startswith("production_capacity_alerting | forecasts | "
                               "item_id, manufacturing_location = 'I-9002 / PLANT-ATL' | "
                               "Unknown production capacity")
    assert numbers["runbook"] == f"{RUNBOOKS}/docs/runbooks/qa-findings-excluded-rows.md"


def test_the_findings_name_the_column_and_value_at_fault(faults):
    data, rows = faults
    header, items = _read(data / "items.csv")
    duplicated = dict(zip(header, items[1]))  # sheet row 3, the code 6 loser
    found = {(f["qa_table"], f["code"], f["tab"], f["row_number"]): (f["column_name"],
                                                                    f["cell_value"])
             for f in fetch_dicts("select * from stg2.ps_qa_findings where run_date = %s",
                                  (RUN_DATE,))}
    item = rows["item"]
    assert {key: found[("ps_qa_inputs", *key)] for key in [
        ("2", "items", item["I-9002"]), ("3", "items", item["I-9003"]),
        ("8", "items", item["I-9008"]), ("4", "staffing", rows["staffing_negative"]),
        ("5", "dc_mapping", 2), ("6", "items", 3),
        ("7", "forecasts", rows["forecast_negative"]),
        ("7", "forecasts", rows["forecast_units_text"]),
        ("7", "inventory_snapshot", rows["inventory_bad"]),
        ("8", "forecasts", rows["forecast_blank_item"]),
        ("8", "forecasts", rows["forecast_us_date"]),
        ("8", "inventory_snapshot", rows["inventory_blank_dc"]),
        ("8", "inventory_snapshot", rows["inventory_us_date"]),
    ]} == {
        ("2", "items", item["I-9002"]): ("units_per_line_day", "0"),
        ("3", "items", item["I-9003"]): ("target_days_of_supply", "1"),
        ("8", "items", item["I-9008"]): ("is_automated", "maybe"),
        ("4", "staffing", rows["staffing_negative"]): ("lines_staffed", "-2"),
        ("5", "dc_mapping", 2): ("distribution_center", "DC-01"),
        ("6", "items", 3): ("item_id, manufacturing_location",
                            f"{duplicated['item_id'].strip()} / "
                            f"{duplicated['manufacturing_location'].strip()}"),
        ("7", "forecasts", rows["forecast_negative"]): ("forecast_units", "-5"),
        ("7", "forecasts", rows["forecast_units_text"]): ("forecast_units", "1,5"),
        ("7", "inventory_snapshot", rows["inventory_bad"]): ("on_hand_units", "abc"),
        ("8", "forecasts", rows["forecast_blank_item"]): ("item_id", None),
        ("8", "forecasts", rows["forecast_us_date"]): (
            "forecast_date", WINDOW[4].strftime("%m/%d/%Y")),
        ("8", "inventory_snapshot", rows["inventory_blank_dc"]): ("distribution_center", None),
        ("8", "inventory_snapshot", rows["inventory_us_date"]): (
            "snapshot_dt", RUN_DATE.strftime("%m/%d/%Y")),
    }
    assert found[("ps_qa_inputs", "1", "forecasts", None)] == ("distribution_center", "DC-99")
    assert found[("ps_qa_missing_inputs", "2", "forecasts", None)] == (
        "forecast_date", MISSING_FORECAST_DATE.isoformat())


def test_findings_that_exclude_nothing_go_to_the_digest_only(faults, slack, tmp_path):
    """The same run's findings without the excluding ones (removed in a transaction that
    is rolled back): the P3 check passes, the P4 summary waits for the digest, and the
    digest carries its counts and runbook; nothing goes to Slack."""
    from dagster._core.definitions.asset_checks.asset_check_evaluation import (
        AssetCheckEvaluation,
    )

    from orchestration.defs.monitoring.digest import send_daily_digest
    from orchestration.defs.monitoring.mail import FileDigestWriter
    from orchestration.defs.monitoring.runs import check_findings
    from orchestration.defs.monitoring.service import AlertingResource
    from orchestration.defs.qa_findings.checks import (
        QA_FINDINGS,
        evaluate_excluded_rows,
        evaluate_summary,
    )
    from orchestration.warehouse import ensure_warehouse

    conn = psycopg2.connect(**ensure_warehouse().psycopg2_kwargs)
    try:
        with conn.cursor() as cur:
            for table in ("ps_qa_findings", "ps_qa_findings_summary"):
                cur.execute(sql.SQL("delete from {} where run_date = %s and is_excluded = 1")
                            .format(sql.Identifier("stg2", table)), (RUN_DATE,))
        start = len(slack.messages)
        with environment(**alert_env(slack)):
            results = {"qa_findings_excluded_rows": evaluate_excluded_rows(conn, RUN_DATE),
                       "qa_findings_summary": evaluate_summary(conn, RUN_DATE)}
            assert results["qa_findings_excluded_rows"].passed
            assert not results["qa_findings_summary"].passed
            evaluations = [AssetCheckEvaluation(asset_key=QA_FINDINGS, check_name=name,
                                                passed=r.passed, metadata=r.to_result().metadata,
                                                description=r.summary)
                           for name, r in results.items()]
            findings, resolutions = check_findings(evaluations, RUN_DATE.isoformat(), "run-p4")
            assert [(f.alarm, f.effective_severity.value) for f in findings] == [
                ("qa-findings-summary", "P4")]
            router = AlertingResource().router(conn)
            route_findings(router, findings, resolutions)
            assert qa_messages(slack, start) == []
            assert send_daily_digest(router, sender=FileDigestWriter(tmp_path))
        [digest] = [p.read_text() for p in tmp_path.glob("*.txt")]
    finally:
        conn.rollback()
        conn.close()
    assert "qa-findings-summary (P4, 1 entry)" in digest
    assert f"[{RUN_DATE}]  33 QA finding(s) on run_date {RUN_DATE}, nothing excluded" in digest
    assert "count ps_qa_missing_inputs code 1: 31 findings, nothing excluded" in digest
    assert "count ps_fps_errors code 01: 1 finding, nothing excluded" in digest
    assert f"runbook: {RUNBOOKS}/docs/runbooks/qa-findings-summary.md" in digest


def test_a_clean_rerun_sends_nothing_and_closes_the_alert(faults, slack, sample_dir, tmp_path):
    """Last: the partition again on the clean sample (the faults fixed)."""
    clean = tmp_path / "clean"
    shutil.copytree(sample_dir, clean)
    start = len(slack.messages)
    assert run_partition(RUN_DATE, clean, **alert_env(slack)) == 0
    assert qa_messages(slack, start) == []  # no P3 (and a P4 never goes to Slack)
    assert fetch_dicts("select * from stg2.ps_qa_findings_summary where run_date = %s",
                       (RUN_DATE,)) == []
    log = fetch_dicts("select alarm, status from ops.alert_log where partition_key = %s and "
                      "alarm in %s", (RUN_DATE.isoformat(), QA_ALARMS))
    assert log == [{"alarm": "qa-findings-excluded-rows", "status": "resolved"}]
