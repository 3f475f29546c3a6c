"""Each construct statement_rules flags, and a clean statement (fast, no dbt)."""

import pytest

from tests.redshift.statement_rules import division_type, findings

BAD = [
    "copy t from stdin",
    "select to_regclass('a.b')",
    "create index i on t (a)",
    "insert into t values (1) on conflict do nothing",
    "select * from generate_series(1, 3)",
    "select distinct on (a) a from t",
    "select count(*) filter (where a > 1) from t",
    "select cast(a as jsonb) from t",
    "select string_agg(a, ',') from t",
    "select array_agg(a) from t",
    "select unnest(a) from t",
    "select * from t, lateral (select 1) x",
    "select cast(a as numeric) from t",
    "select cast(a as text) from t",
    "select cast(a as numeric(38,12)) / cast(b as numeric(20,10)) from t",
    "select coalesce(cast(a as numeric(38,12)), cast(0 as numeric(38,12))) from t",
    "select (((",
]


@pytest.mark.parametrize("statement", BAD)
def test_caught(statement):
    assert findings([statement]), statement


def test_clean_statement_passes():
    assert findings(["select cast(a as numeric(28,12)) / cast(b as numeric(22,10)) as q, "
                     "case when a is null then 0 else a end from t"]) == []


def test_division_rule():
    assert division_type(38, 12, 20, 10) == (38, 4)
    assert division_type(28, 12, 22, 10) == (38, 12)
