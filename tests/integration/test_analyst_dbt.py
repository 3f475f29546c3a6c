"""The README's analyst flow, run literally (its commands are read from README.md):
`eval "$(make -s warehouse-env)"`, `cd dbt_project`, `dbt build --vars ...`.

It must build the analyst's own `dev_<user>_*` schemas and leave every published
relation (stg views, stg2 tables, dwh.fact_production_schedule) and the code
location's manifest byte for byte as they were.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from psycopg2 import sql

from orchestration.defs.dbt.project import dbt_project
from orchestration.warehouse import connect, ensure_warehouse
from tests.integration.conftest import run_partition
from tests.integration.parity import published_schedule

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
RUN_DATE = date(2026, 11, 23)  # the date the README's command builds
DEV_USER = "analyst_test"


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


def test_the_readme_analyst_flow_leaves_the_published_relations_untouched(sample_dir, dbt_manifest):
    commands = readme_analyst_commands()
    assert commands[0].startswith('eval "$(make -s warehouse-env)"')
    assert any(f'run_date: "{RUN_DATE}"' in c for c in commands)
    assert run_partition(RUN_DATE, sample_dir) == 0  # landed and published by the platform
    before = published_checksums()
    manifest_before = dbt_project.manifest_path.read_bytes()
    assert "dwh.fact_production_schedule" in before

    env = {**os.environ, "PST_DEV_USER": DEV_USER}
    result = subprocess.run(["bash", "-c", "set -euo pipefail\n" + "\n".join(commands)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, (result.stdout[-4000:], result.stderr[-2000:])

    assert published_checksums() == before
    assert dbt_project.manifest_path.read_bytes() == manifest_before
    with connect(ensure_warehouse()) as conn, conn.cursor() as cur:
        cur.execute(sql.SQL("select count(*) from {} where run_date = %s").format(
            sql.Identifier(f"dev_{DEV_USER}_dwh", "fact_production_schedule")), (RUN_DATE,))
        analysts_rows = cur.fetchone()[0]
    assert analysts_rows == len(published_schedule(RUN_DATE)) > 2000
