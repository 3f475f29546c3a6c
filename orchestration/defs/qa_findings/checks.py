"""Every QA finding reaches a person (qa.md; the migration plan's "Cross-Table
Reconciliation" gap, section 2.2, and the legacy production_capacity_alerting
weekly email): the run's findings in the QA tables, counted by (QA table, code)
in the warehouse (stg2.ps_qa_findings_summary, stg2.ps_qa_findings), become

* qa-findings-excluded-rows (P3, Slack #monitoring) when findings excluded input
  rows from scheduling (ps_qa_inputs, production_capacity_alerting);
* qa-findings-summary (P4, the digest) when there are findings but none excluded
  anything (ps_qa_missing_inputs, ps_fps_errors);
* nothing for a clean run.

Two checks, one per alarm, so that each level opens and closes on its own: a re-run
whose excluded rows were fixed closes the P3 and still reports the rest. Each
evaluation is a plain function of a connection and the run_date; the asset checks
are thin wrappers. The alert carries the counts by (table, code), the first rows
(the first finding of each kind first: tab, row, column, value, code, message) and
the runbook link; the check's metadata in the UI has the same as markdown tables.
"""


from dataclasses import dataclass
from datetime import date

from dagster import (
    AssetCheckExecutionContext,
    AssetChecksDefinition,
    AssetKey,
    MetadataValue,
    asset_check,
)

from orchestration.alarms import AlarmName
from orchestration.check_results import CheckOutcome
from orchestration.metadata import check_docs, runbook_url
from orchestration.partitions import run_date_of
from orchestration.warehouse.resource import WarehouseResource

QA_FINDINGS = AssetKey(["stg2", "ps_qa_findings_summary"])
EXCLUDED, SUMMARY = AlarmName.QA_FINDINGS_EXCLUDED, AlarmName.QA_FINDINGS_SUMMARY
ALERT_FIRST_ROWS = 10  # rows in the alert: what a Slack message's numbers section holds
UI_FIRST_ROWS = 25  # rows in the UI's markdown table
ROW_TEXT_LIMIT = 160  # one first row in the alert (Slack shows at most 200 per number)
# UI-only markdown: a pst_* key, which the alert path does not copy into the alert's
# numbers (orchestration/defs/monitoring/runs.py); the alert has the rows as lines
REPORT = "pst_qa_report"


@dataclass(frozen=True)
class Group:
    """The findings of one (QA table, code) on the run_date."""

    qa_table: str
    code: str | None  # production_capacity_alerting has none
    findings: int
    excluded: bool
    excluded_rows: int

    @property
    def label(self) -> str:
        return self.qa_table if self.code is None else f"{self.qa_table} code {self.code}"

    def counts(self) -> str:
        found = f"{self.findings:,} finding{'s' if self.findings != 1 else ''}"
        if not self.excluded:
            return f"{found}, nothing excluded"
        return (f"{found}, {self.excluded_rows:,} input row"
                f"{'s' if self.excluded_rows != 1 else ''} excluded")


@dataclass(frozen=True)
class Row:
    """One finding as a person opens it."""

    qa_table: str
    code: str | None
    tab: str | None
    row_number: int | None
    column_name: str | None
    cell_value: str | None
    message: str
    excluded: bool

    @property
    def where(self) -> str:
        return (self.tab or "-") + (f" row {self.row_number}" if self.row_number else "")

    @property
    def value(self) -> str:
        return "(blank)" if self.cell_value is None else f"'{self.cell_value}'"

    def line(self, limit: int = ROW_TEXT_LIMIT) -> str:
        label = self.qa_table if self.code is None else f"{self.qa_table} {self.code}"
        cell = f"{self.column_name} = {self.value}" if self.column_name else "-"
        text = " | ".join((label, self.where, cell, " ".join(self.message.split())))
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class QaFindings:
    run_date: date
    groups: list[Group]
    first_rows: list[Row]

    @property
    def findings(self) -> int:
        return sum(g.findings for g in self.groups)

    @property
    def excluded_rows(self) -> int:
        return sum(g.excluded_rows for g in self.groups if g.excluded)

    @property
    def excludes_rows(self) -> bool:
        return any(g.excluded for g in self.groups)


def read_qa_findings(conn, run_date: date, first_rows: int = UI_FIRST_ROWS) -> QaFindings:
    """The run_date's counts by (QA table, code) and its first rows: the first finding
    of every (table, code) before the second of any, ps_qa_inputs first."""
    with conn.cursor() as cur:
        cur.execute("""
            select qa_table, code, findings, is_excluded, excluded_rows
            from stg2.ps_qa_findings_summary
            where run_date = %s
            order by table_order, code""", (run_date,))
        groups = [Group(t, c, int(n), bool(x), int(r)) for t, c, n, x, r in cur.fetchall()]
        cur.execute("""
            select qa_table, code, tab, row_number, column_name, cell_value, message,
                   is_excluded
            from stg2.ps_qa_findings
            where run_date = %s
            order by finding_rank, table_order, code, tab, row_number, column_name
            limit %s""", (run_date, first_rows))
        rows = [Row(t, c, tab, n, col, v, m, bool(x))
                for t, c, tab, n, col, v, m, x in cur.fetchall()]
    return QaFindings(run_date, groups, rows)


def _md(text: object) -> str:
    return " ".join(str("" if text is None else text).split()).replace("|", "\\|")


def report_markdown(found: QaFindings) -> str:
    """What the check's page shows: the counts and the first rows as tables."""
    if not found.groups:
        return f"No QA finding on run_date {found.run_date}."
    lines = [f"**{found.findings:,} QA findings on run_date {found.run_date}; "
             f"{found.excluded_rows:,} input rows excluded from scheduling**", "",
             "| QA table | code | findings | excluded from scheduling | input rows excluded |",
             "|---|---|---:|---|---:|"]
    lines += [f"| {g.qa_table} | {_md(g.code or '-')} | {g.findings:,} | "
              f"{'yes' if g.excluded else 'no'} | {g.excluded_rows:,} |" for g in found.groups]
    lines += ["", f"First {len(found.first_rows)} rows (the first finding of each kind first):",
              "", "| QA table | code | tab | row | column | value | message |",
              "|---|---|---|---:|---|---|---|"]
    lines += [f"| {r.qa_table} | {_md(r.code or '-')} | {_md(r.tab or '-')} | "
              f"{r.row_number or ''} | {_md(r.column_name or '-')} | "
              f"{_md(r.value if r.column_name else '-')} | {_md(r.message)} |"
              for r in found.first_rows]
    return "\n".join(lines)


def _numbers(found: QaFindings, alarm_name: str) -> dict[str, object]:
    """The alert's numbers (Slack, the digest, ops.alert_log) and the UI's report."""
    numbers: dict[str, object] = {"findings": found.findings,
                                  "excluded_input_rows": found.excluded_rows}
    numbers.update({f"count {g.label}": g.counts() for g in found.groups})
    if found.groups:  # before the rows: a message too long for Slack loses its last lines
        numbers["runbook"] = MetadataValue.url(runbook_url(alarm_name))
    numbers.update({f"first row {i}": row.line()
                    for i, row in enumerate(found.first_rows[:ALERT_FIRST_ROWS], 1)})
    numbers[REPORT] = MetadataValue.md(report_markdown(found))
    return numbers


def _listing(groups: list[Group]) -> str:
    return ", ".join(f"{g.label} ({g.findings:,})" for g in groups)


def evaluate_excluded_rows(conn, run_date: date) -> CheckOutcome:
    """P3 when a QA finding of the run_date excluded input rows from scheduling."""
    found = read_qa_findings(conn, run_date)
    numbers = _numbers(found, EXCLUDED)
    if found.excludes_rows:
        excluded = [g for g in found.groups if g.excluded]
        others = [g for g in found.groups if not g.excluded]
        return CheckOutcome.alert(
            EXCLUDED, EXCLUDED,
            f"{found.excluded_rows:,} input row(s) left out of the schedule of run_date "
            f"{run_date} by QA findings: {_listing(excluded)}"
            + (f"; also reported, nothing excluded: {_listing(others)}" if others else "")
            + ". Fix the rows named below in their tab (or source), then re-run the partition.",
            **numbers)
    return CheckOutcome.ok(
        EXCLUDED, "no QA finding excluded input rows from scheduling"
        + (f" ({found.findings:,} finding(s) that exclude nothing: qa-findings-summary)"
           if found.findings else ""), **numbers)


def evaluate_summary(conn, run_date: date) -> CheckOutcome:
    """P4 (the digest) when the run_date has QA findings and none excluded anything;
    findings that excluded rows are the P3's (qa-findings-excluded-rows)."""
    found = read_qa_findings(conn, run_date)
    numbers = _numbers(found, SUMMARY)
    if found.groups and not found.excludes_rows:
        return CheckOutcome.alert(
            SUMMARY, SUMMARY,
            f"{found.findings:,} QA finding(s) on run_date {run_date}, nothing excluded from "
            f"scheduling: {_listing(found.groups)}", **numbers)
    if found.groups:
        return CheckOutcome.ok(SUMMARY, f"{found.findings:,} QA finding(s), reported as "
                                        f"{EXCLUDED} (P3)", **numbers)
    return CheckOutcome.ok(SUMMARY, f"no QA finding on run_date {run_date}", **numbers)


def qa_findings_checks(partitions) -> list[AssetChecksDefinition]:
    @asset_check(asset=QA_FINDINGS, name="qa_findings_excluded_rows", partitions_def=partitions,
                 **check_docs(EXCLUDED, "QA findings that excluded input rows from scheduling "
                                        "(ps_qa_inputs, production_capacity_alerting): P3, "
                                        "with the counts by table and code and the first "
                                        "rows."))
    def qa_findings_excluded_rows(context: AssetCheckExecutionContext,
                                  warehouse: WarehouseResource):
        with warehouse.connection() as conn:
            return evaluate_excluded_rows(conn, run_date_of(context)).to_result()

    @asset_check(asset=QA_FINDINGS, name="qa_findings_summary", partitions_def=partitions,
                 **check_docs(SUMMARY, "QA findings that excluded nothing (ps_qa_missing_inputs, "
                                       "ps_fps_errors): P4, the day's summary in the digest."))
    def qa_findings_summary(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.connection() as conn:
            return evaluate_summary(conn, run_date_of(context)).to_result()

    return [qa_findings_excluded_rows, qa_findings_summary]
