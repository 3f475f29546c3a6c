"""How the planners' views write a value: numbers without trailing zeros, dates as ISO,
flags as yes/no; as HTML table cells (the report) or fixed-width text (the CLI)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from html import escape

FLAGS = {"is_within_capacity", "excluded"}
PROSE = {"reason", "message", "summary"}  # the only cells that may wrap


def number(value) -> str:
    """1.50 -> '1.5', 1200.000 -> '1,200', None -> '-'."""
    if value is None:
        return "-"
    if isinstance(value, (Decimal, float)):
        text = f"{Decimal(str(value)).quantize(Decimal('0.01')):,.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def cell(column: str, value) -> str:
    if value is None:
        return "-"
    if column in FLAGS:
        return "yes" if value in (1, True) else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return number(value)


def _numeric(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def badge(code: str) -> str:
    return f'<span class="badge b-{escape(code)}">{escape(code)}</span>'


def table(rows: list[dict], columns: list[tuple[str, str]], raw: set[str] = frozenset()) -> str:
    """An HTML table of rows; columns are (key, heading); `raw` keys hold HTML already built."""
    head = "".join(f"<th>{escape(title)}</th>" for _, title in columns)
    body = []
    for row in rows:
        cells = []
        for key, _ in columns:
            value = row.get(key)
            text = value if key in raw else escape(cell(key, value))
            cls = (' class="num"' if _numeric(value) and key not in FLAGS
                   else ' class="prose"' if key in PROSE else "")
            cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def text_table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    """The same rows as fixed-width text for a terminal; numbers right-aligned."""
    cells = [[cell(key, row.get(key)) for key, _ in columns] for row in rows]
    widths = [max([len(title)] + [len(r[i]) for r in cells]) for i, (_, title) in enumerate(columns)]
    right = [any(_numeric(row.get(key)) for row in rows) and key not in FLAGS
             for key, _ in columns]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if r else v.ljust(w)
                         for v, w, r in zip(values, widths, right)).rstrip()

    header = line([title for _, title in columns])
    return "\n".join([header, line(["-" * w for w in widths])] + [line(r) for r in cells])
