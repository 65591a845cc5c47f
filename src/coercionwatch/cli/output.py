"""How results reach people (Rich tables) and scripts (`--json`)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from coercionwatch.model import Problem, Record, stored_body

# No console markup: record text, list names and reasons are printed exactly as written (a
# title holding "[/]" or "[link=…]" must neither crash a table nor become a link); styles are
# given as Text, by `alert`.
console = Console(markup=False)
errors = Console(stderr=True, soft_wrap=True, markup=False)  # whole lines, for grep


def alert(label: str, rest: str = "", style: str = "bold red") -> Text:
    """A styled label, then plain text: for errors and headings on the terminal."""
    return Text.assemble((label, style), rest)


LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "incident": ("category", "severity"),
    "actor": ("type", "nationality", "country", "region"),
    "measure": ("type", "imposer", "target", "status", "program"),
    "response": ("actor", "stance", "forum", "answers"),
    "countermeasure": ("layer", "type", "status", "jurisdiction"),
    "source": ("type", "publisher"),
    "provision": ("instrument", "article"),
}
"""The fields a list of each kind shows, after id, date and title."""


def emit_json(value: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return orjson.dumps(value).decode("utf-8")
    return str(value)


NAMELESS_KINDS = frozenset({"measure", "response"})
"""Kinds whose heading is made of ids already shown in their own columns."""


def record_table(kind: str, records: Iterable[Record]) -> Table:
    extra = LIST_COLUMNS.get(kind, ())
    titled = kind not in NAMELESS_KINDS
    table = Table(title=f"{kind} records", show_lines=False)
    for name in ("id", "date", *(["title"] if titled else []), *extra):
        table.add_column(name, overflow="fold")
    for record in records:
        body = stored_body(record)
        restricted = " [restricted]" if record.visibility != "public" else ""
        table.add_row(
            record.id + restricted,
            record.when() or "",
            *([record.heading()] if titled else []),
            *(cell(body.get(name)) for name in extra),
        )
    return table


def fields_table(title: str, body: dict[str, Any]) -> Table:
    table = Table(title=title, show_header=False, show_lines=True)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in body.items():
        table.add_row(key, cell(value))
    return table


def rows_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    table = Table(title=title)
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(cell(v) for v in row))
    return table


def report_problems(problems: Sequence[Problem], *, heading: str, limit: int = 50) -> None:
    errors.print(alert(heading), highlight=False)
    for problem in problems[:limit]:
        errors.print(f"  {problem}", highlight=False)
    if len(problems) > limit:
        errors.print(f"  … and {len(problems) - limit} more", highlight=False)


def report_warnings(warnings: Sequence[Problem], *, limit: int = 20) -> None:
    if not warnings:
        return
    errors.print(alert(f"{len(warnings)} warning(s):", style="yellow"), highlight=False)
    for warning in warnings[:limit]:
        errors.print(f"  {warning}", highlight=False)
    if len(warnings) > limit:
        errors.print(f"  … and {len(warnings) - limit} more", highlight=False)
