"""What Redshift would refuse or compute differently, checked on captured SQL.

Each statement must parse with sqlglot's `redshift` dialect and contain none of
the PostgreSQL-only constructs below (sqlglot accepts several of them, so they
are looked for by pattern), and every division of explicitly cast decimals must
keep scale >= 12 under Redshift's documented rules ("Computations with numeric
values"): for p1,s1 / p2,s2 the scale is max(4, s1 + p2 - s2 + 1) and the
precision p1 - s1 + s2 + scale; above precision 38 the scale shrinks to what is
left after the integer digits (never below 4): numeric(38,12) / numeric(20,10)
is numeric(38,4). UNION / INTERSECT / EXCEPT and COALESCE of decimals have
precision min(max(p1 - s1, p2 - s2) + scale, 19).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import sqlglot
from sqlglot import exp

MIN_DIVISION_SCALE = 12

# (name, pattern): constructs Redshift lacks or treats differently
_FORBIDDEN = [
    ("COPY FROM STDIN", r"\bcopy\b[^;]*\bfrom\s+stdin\b"),
    ("to_regclass", r"\bto_regclass\s*\("),
    ("CREATE INDEX", r"\bcreate\s+(unique\s+)?index\b"),
    ("ON CONFLICT", r"\bon\s+conflict\b"),
    ("generate_series", r"\bgenerate_series\s*\("),
    ("DISTINCT ON", r"\bdistinct\s+on\s*\("),
    ("FILTER (WHERE", r"\bfilter\s*\(\s*where\b"),
    ("jsonb", r"::\s*jsonb\b|\bjsonb\b"),
    ("string_agg", r"\bstring_agg\s*\("),
    ("arrays", r"\barray_agg\s*\(|\barray\s*\[|\bunnest\s*\(|\[\]"),
    ("LATERAL", r"\blateral\b"),
    # RAW is a reserved word on Redshift: the schema must be a quoted identifier
    ("unquoted reserved word raw", r"\b(from|join|into|update|table|exists)\s+raw\s*\."),
    ("bare numeric", r"\b(numeric|decimal)\b(?!\s*\()"),
    ("bare text type", r"(::\s*text\b|\bas\s+text\s*\)|\"\s+text\b(?!\s*\())"),
]


@dataclass(frozen=True)
class Finding:
    statement: int
    rule: str
    excerpt: str

    def __str__(self) -> str:
        return f"statement {self.statement}: {self.rule}: {self.excerpt}"


def _without_strings(statement: str) -> str:
    """Patterns look at SQL, not at the text inside string literals or comments."""
    statement = re.sub(r"--[^\n]*", " ", statement)
    statement = re.sub(r"/\*.*?\*/", " ", statement, flags=re.S)
    return re.sub(r"'(?:[^']|'')*'", "''", statement)


def _decimal_type(node: exp.Expression) -> tuple[int, int] | None:
    """(precision, scale) of an explicit cast to decimal(p, s), else None."""
    while isinstance(node, exp.Paren):
        node = node.this
    if not isinstance(node, exp.Cast):
        return None
    to = node.to
    if to.this not in (exp.DataType.Type.DECIMAL,):
        return None
    params = [int(p.this.this) if isinstance(p.this, exp.Literal) else int(p.name)
              for p in to.expressions]
    if len(params) != 2:
        return None
    return params[0], params[1]


def division_type(p1: int, s1: int, p2: int, s2: int) -> tuple[int, int]:
    """Redshift's result type of numeric(p1,s1) / numeric(p2,s2)."""
    scale = max(4, s1 + p2 - s2 + 1)
    integer_digits = p1 - s1 + s2
    if integer_digits + scale <= 38:
        return integer_digits + scale, scale
    return 38, max(4, 38 - integer_digits)


def _division_findings(index: int, tree: exp.Expression) -> Iterable[Finding]:
    for div in tree.find_all(exp.Div):
        left, right = _decimal_type(div.this), _decimal_type(div.expression)
        if left and right:
            precision, scale = division_type(*left, *right)
            if scale < MIN_DIVISION_SCALE:
                yield Finding(index, f"division keeps scale {scale} < {MIN_DIVISION_SCALE} "
                                     f"(numeric({precision},{scale}))", div.sql("redshift")[:160])


def _coalesce_findings(index: int, tree: exp.Expression) -> Iterable[Finding]:
    """COALESCE / NVL of decimals has precision at most 19 on Redshift (scale max(s1, s2),
    precision min(max(p1 - s1, p2 - s2) + scale, 19)): a quantity coalesced and then
    cast to a wider decimal, or coalesced from wide decimals, can overflow."""
    for node in tree.find_all(exp.Coalesce):
        arguments = [node.this, *node.expressions]
        wide_argument = any((t := _decimal_type(a)) and t[0] > 19 for a in arguments)
        parent = node.parent
        while isinstance(parent, exp.Paren):
            parent = parent.parent
        wide_result = isinstance(parent, exp.Cast) and (t := _decimal_type(parent)) and t[0] > 19
        if wide_argument or wide_result:
            yield Finding(index, "COALESCE of quantities (Redshift caps its precision at 19)",
                          node.sql("redshift")[:160])


def _set_operation_branches(node: exp.Expression) -> Iterable[exp.Expression]:
    for side in (node.left, node.right):
        while isinstance(side, exp.Subquery):
            side = side.this
        if isinstance(side, exp.SetOperation):
            yield from _set_operation_branches(side)
        else:
            yield side


def _union_findings(index: int, tree: exp.Expression) -> Iterable[Finding]:
    """UNION / INTERSECT / EXCEPT of decimals has precision at most 19 on Redshift
    (the rule of COALESCE): a branch that casts a column to a wider decimal says
    it holds more digits than the UNION keeps. (Columns without a cast have types
    this check cannot see: their models say in a comment why they fit.)"""
    for node in tree.find_all(exp.SetOperation):
        if isinstance(node.parent, exp.SetOperation):
            continue  # the outermost set operation lists every branch
        for branch in _set_operation_branches(node):
            for projection in getattr(branch, "expressions", []) or []:
                t = _decimal_type(projection.unalias())
                if t and t[0] > 19:
                    yield Finding(index, "UNION of decimals wider than 19 digits "
                                         "(Redshift caps its precision at 19)",
                                  projection.sql("redshift")[:160])


def check_statements(statements: Iterable[str]) -> list[Finding]:
    findings: list[Finding] = []
    for index, statement in enumerate(statements):
        code = _without_strings(statement)
        for rule, pattern in _FORBIDDEN:
            match = re.search(pattern, code, flags=re.I)
            if match:
                start = max(0, match.start() - 40)
                findings.append(Finding(index, rule, code[start:match.end() + 40].strip()))
        try:
            trees = sqlglot.parse(statement, read="redshift")
        except sqlglot.errors.ParseError as error:
            findings.append(Finding(index, "does not parse as Redshift SQL",
                                    str(error).splitlines()[0][:200]))
            continue
        for tree in trees:
            if tree is not None:
                findings.extend(_division_findings(index, tree))
                findings.extend(_coalesce_findings(index, tree))
                findings.extend(_union_findings(index, tree))
    return findings
