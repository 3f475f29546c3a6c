"""QA findings to people: the run's findings in the QA tables (qa.md), counted by
table and code, sent as qa-findings-excluded-rows (P3) or in the digest
(qa-findings-summary, P4)."""
