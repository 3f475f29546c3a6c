"""The README's analyst flow, read from README.md, and what it must leave untouched
(test_sample_run.py runs it beside the platform's build of the same run_date)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from psycopg2 import sql

from orchestration.warehouse import connect, ensure_warehouse

ROOT = Path(__file__).resolve().parents[2]


def readme_analyst_commands() -> list[str]:
    """The indented command lines of the README's local analyst block."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## For analysts", 1)[1].split("\n## ", 1)[0]
    block = section.split("Against the local warehouse:", 1)[1].split("\n\n", 2)[1]
    return [re.sub(r"\s+#.*$", "", line.strip()) for line in block.splitlines() if line.strip()]


def published_checksums() -> dict[str, str]:
    """md5 of every row of every table, and of every view's definition, in stg/stg2/dwh."""
    sums = {}
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute("select table_schema, table_name, table_type from information_schema.tables "
                    "where table_schema in ('stg', 'stg2', 'dwh') order by 1, 2")
        for schema, name, kind in cur.fetchall():
            if kind == "VIEW":
                cur.execute("select pg_get_viewdef(%s::regclass)", (f'"{schema}"."{name}"',))
                content = cur.fetchone()[0]
            else:
                cur.execute(sql.SQL("select coalesce(string_agg(md5(t::text), ',' order by "
                                    "md5(t::text)), '') from {} t").format(
                    sql.Identifier(schema, name)))
                content = cur.fetchone()[0]
            sums[f"{schema}.{name}"] = hashlib.md5(content.encode()).hexdigest()
    return sums
