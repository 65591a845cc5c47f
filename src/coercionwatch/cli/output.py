"""How results reach people (Rich tables) and scripts (`--json`)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from coercionwatch.model import Problem, Record, stored_body

console = Console()
errors = Console(stderr=True, soft_wrap=True)  # messages stay whole lines, for grep

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
    errors.print(f"[bold red]{heading}[/]", highlight=False)
    for problem in problems[:limit]:
        errors.print(f"  {problem}", markup=False, highlight=False)
    if len(problems) > limit:
        errors.print(f"  … and {len(problems) - limit} more", highlight=False)


def report_warnings(warnings: Sequence[Problem], *, limit: int = 20) -> None:
    if not warnings:
        return
    errors.print(f"[yellow]{len(warnings)} warning(s):[/]", highlight=False)
    for warning in warnings[:limit]:
        errors.print(f"  {warning}", markup=False, highlight=False)
    if len(warnings) > limit:
        errors.print(f"  … and {len(warnings) - limit} more", highlight=False)
