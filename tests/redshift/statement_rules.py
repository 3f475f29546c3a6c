"""Checker of captured statements for Redshift (issue 10): parses with sqlglot's
redshift dialect, no PostgreSQL-only construct, divisions of decimal casts keep
scale >= 12, no COALESCE/NVL of decimals wider than 19 digits. The rules
themselves are shared with tests/fakes/redshift_rules.py."""

from __future__ import annotations

from tests.fakes.redshift_rules import Finding, check_statements, division_type  # noqa: F401


def findings(statements) -> list[Finding]:
    return check_statements(statements)
