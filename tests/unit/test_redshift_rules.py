"""The Redshift statement check catches each construct Redshift lacks, and passes
Redshift SQL (tests/fakes/redshift_rules.py)."""

from __future__ import annotations

import pytest

from tests.fakes.redshift_rules import check_statements, division_type

CAUGHT = {
    "COPY FROM STDIN": 'copy "raw"."t" ("a") from stdin with (format text)',
    "to_regclass": "select to_regclass('raw.t') is not null",
    "CREATE INDEX": 'create unique index if not exists "i" on "stg2"."t" ("a")',
    "ON CONFLICT": "insert into t (a) values (1) on conflict (a) do nothing",
    "generate_series": "select d from generate_series(1, 31) as d",
    "DISTINCT ON": "select distinct on (a) a, b from t order by a, b",
    "FILTER (WHERE": "select count(*) filter (where a > 1) from t",
    "jsonb": "select cast(a as jsonb) from t",
    "string_agg": "select string_agg(a, ',') from t",
    "arrays": "select array_agg(a) from t",
    "LATERAL": "select * from t, lateral (select 1) x",
    "unquoted reserved word raw": "select extra_columns from raw.source_loads where source = 'x'",
    "bare numeric": "select cast(a as numeric) from t",
    "bare text type": "select a::text from t",
    "division keeps scale 4": "select cast(a as numeric(38,12)) / cast(b as numeric(20,10)) from t",
    "does not parse": "select from where (",
    "COALESCE of quantities": "select cast(coalesce(units, 0) as numeric(38,12)) from t",
    "UNION of decimals": "select a, cast(q as numeric(38,12)) as q from t "
                         "union all select a, cast(null as numeric(38,12)) from u",
}


@pytest.mark.parametrize("rule", sorted(CAUGHT))
def test_each_construct_is_caught(rule):
    findings = check_statements([CAUGHT[rule]])
    assert any(f.rule.startswith(rule) for f in findings), findings


def test_redshift_sql_passes():
    clean = [
        'create table if not exists "raw"."t" ("a" varchar(65535), "n" numeric(38,12))',
        "copy \"raw\".\"t\" (\"a\") from 's3://b/k.csv' iam_role 'arn:aws:iam::1:role/r' "
        "format as csv null as '\\\\N'",
        "select cast(a as numeric(28,12)) / cast(b as numeric(22,10)) from t",
        "select count(*) from information_schema.tables where table_schema = 'raw'",
        'select extra_columns from "raw"."source_loads"',
        "select 'a numeric text, lateral thinking' as note",
        "select case when units is not null then cast(units as numeric(38,12)) end from t",
        "select coalesce(cast(a as varchar(65535)), '') from t",
        "select a, cast(q as numeric(19,12)) as q from t union all select a, cast(null as numeric(19,12)) from u",
    ]
    assert check_statements(clean) == []


def test_redshifts_division_rule():
    assert division_type(38, 12, 20, 10) == (38, 4)   # the old pst_div: 4 decimals
    assert division_type(28, 12, 22, 10) == (38, 12)  # today's pst_div
    assert division_type(8, 2, 8, 2) == (17, 9)       # the documentation's example
