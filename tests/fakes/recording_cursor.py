"""A DB-API connection that records the SQL the platform's Python code sends, as
the server would receive it, without a server: for the Redshift checks of the
Python SQL paths (landing, checks, alert store), which build their statements
with psycopg2's `sql` module and bound parameters."""

from __future__ import annotations

from typing import Any, Sequence

from psycopg2 import extensions, sql


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def render_composable(part: sql.Composable) -> str:
    """What psycopg2 would render, for the parts our code uses (no connection needed)."""
    if isinstance(part, sql.Composed):
        return "".join(render_composable(p) for p in part.seq)
    if isinstance(part, sql.Identifier):
        return ".".join(_quote_ident(s) for s in part.strings)
    if isinstance(part, sql.Literal):
        return extensions.adapt(part.wrapped).getquoted().decode()
    if isinstance(part, sql.Placeholder):
        return f"%({part.name})s" if part.name else "%s"
    if isinstance(part, sql.SQL):
        return part.string
    raise TypeError(f"cannot render {part!r}")


def _literal(value: Any) -> str:
    return extensions.adapt(value).getquoted().decode()


def bind(statement: str, params: Sequence[Any] | dict | None) -> str:
    if not params:
        return statement
    if isinstance(params, dict):
        return statement % {k: _literal(v) for k, v in params.items()}
    return statement % tuple(_literal(p) for p in params)


class RecordingCursor:
    def __init__(self, owner: "RecordingConnection"):
        self.owner = owner
        self._rows: list[tuple] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, statement, params=None) -> None:
        text = render_composable(statement) if isinstance(statement, sql.Composable) else statement
        rendered = bind(text, params)
        self.owner.statements.append(rendered)
        self._rows = list(self.owner.answer(rendered))

    def copy_expert(self, statement, buffer) -> None:
        self.owner.statements.append(render_composable(statement)
                                     if isinstance(statement, sql.Composable) else statement)

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def fetchall(self):
        return list(self._rows)

    def close(self) -> None:
        pass


class RecordingConnection:
    """`answer(statement)` gives the rows of a query (default: a count of 0, else none)."""

    def __init__(self, answer=None):
        self.statements: list[str] = []
        self.answer = answer or (lambda s: [(0,)] if s.lstrip().lower().startswith(
            "select count(") else [])

    def cursor(self) -> RecordingCursor:
        return RecordingCursor(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass
