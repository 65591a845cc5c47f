"""How results reach people (Rich tables) and scripts (`--json`)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from coercionwatch.model import Problem, Record, labels, stored_body
from coercionwatch.publish.pages.common import Names, title_of
from coercionwatch.publish.pages.search import MARK
from coercionwatch.store import SearchHit, Store, Version

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
    "measure": ("imposer", "status", "program"),
    "response": ("forum", "channel"),
    "countermeasure": ("layer", "type", "status", "jurisdiction"),
    "source": ("type", "publisher"),
    "provision": ("instrument", "article"),
}
"""The fields a list of each kind shows, after id, date and title (which names a measure's
type and target, a response's actor and stance)."""


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


def record_table(kind: str, records: Iterable[Record], names: Names) -> Table:
    """Ids whole on one line, to be copied; the rest as people read it: names and labels.
    Extra fields that would squeeze the others are left out (and said so): `--json` has all."""
    extra = LIST_COLUMNS.get(kind, ())
    rows = []
    for record in records:
        body = stored_body(record)
        pointers = getattr(type(record), "references", {})
        restricted = " [restricted]" if record.visibility != "public" else ""
        rows.append(
            [
                record.id,
                record.when() or "",
                title_of(record, names) + restricted,
                *(shown(kind, name, body.get(name), pointers.get(name), names) for name in extra),
            ]
        )
    headings = ["id", "date", "title", *extra]
    if not any(row[1] for row in rows):  # actors have no date of their own
        headings, rows = [h for h in headings if h != "date"], [[r[0], *r[2:]] for r in rows]
    unbroken = headings.index("title")
    kept = fitting(headings, rows, unbroken, console.width)
    table = Table(title=f"{kind} records")
    for index, heading in enumerate(headings[:kept]):
        table.add_column(heading, no_wrap=index < unbroken, overflow="fold")
    for row in rows:
        table.add_row(*row[:kept])
    if kept < len(headings):
        table.caption = f"not shown, for width: {', '.join(headings[kept:])} (see --json)"
    return table


FOLDED_WIDTH = 14
"""The narrowest a folded column is worth showing."""


def fitting(
    headings: Sequence[str], rows: Sequence[Sequence[str]], unbroken: int, width: int
) -> int:
    """How many columns fit in `width`: the first `unbroken` ones whole, the title and at
    least FOLDED_WIDTH of each further one (less if its longest value is shorter)."""

    def needs(index: int) -> int:
        longest = max([len(headings[index]), *(len(row[index]) for row in rows)])
        if index > unbroken:
            longest = min(longest, max(FOLDED_WIDTH, len(headings[index])))
        elif index == unbroken:
            longest = min(longest, 2 * FOLDED_WIDTH)
        return longest + 3  # padding and rule

    kept = unbroken + 1
    total = 1 + sum(needs(i) for i in range(kept))
    while kept < len(headings) and total + needs(kept) <= width:
        total += needs(kept)
        kept += 1
    return kept


def shown(kind: str, name: str, value: Any, points_at: str | None, names: Names) -> str:
    """A field's value in a list: a term by its label, an actor by its name."""
    if points_at == "actor" and isinstance(value, str):
        return names.name("actor", value)
    return cell(labels.label(kind, name, value))


def named_hits(store: Store, hits: Iterable[SearchHit]) -> list[SearchHit]:
    """Hits titled as the web titles them: a measure by its type and its target's name."""
    named = []
    for hit in hits:
        found = store.get(hit.kind, hit.id)
        named.append(replace(hit, title=title_of(found.record, store)) if found else hit)
    return named


def search_table(query: str, hits: Sequence[SearchHit]) -> Table:
    """Hits whose snippets were marked with MARK: the matched words stand out. Kinds and ids
    stay whole unless that would leave the title and the match too narrow to read."""
    left = max([len("kind") + len("id"), *(len(h.kind) + len(h.id) for h in hits)])
    whole = left + 13 + 4 * FOLDED_WIDTH <= console.width  # 13: padding and rules
    table = Table(title=f"search: {query}")
    table.add_column("kind", no_wrap=whole, overflow="fold")
    table.add_column("id", no_wrap=whole, overflow="fold")
    table.add_column("title", overflow="fold")
    table.add_column("match", overflow="fold")
    for hit in hits:
        snippet = Text()
        for index, part in enumerate(hit.snippet.split(MARK)):
            snippet.append(part, style="bold reverse" if index % 2 else "")
        table.add_row(hit.kind, hit.id, hit.title, snippet)
    return table


def print_history(title: str, versions: Sequence[Version]) -> None:
    """The journal entries of one record, then what each changed, field by field."""
    rows = [
        (
            v.entry.version,
            v.entry.seq,
            v.entry.at,
            v.entry.author,
            v.entry.action,
            v.entry.reason,
            (v.entry.version_hash or "")[:16],
        )
        for v in versions
    ]
    columns = ["version", "entry", "at", "author", "action", "reason", "hash"]
    console.print(rows_table(title, columns, rows))
    for version in versions:
        entry = version.entry
        if not version.changes or entry.action == "create":  # a first version: see --version
            continue
        verb = "would change" if entry.action == "propose" else "changed"
        heading = (
            f"Version {entry.version}, {entry.action} by {entry.author} at {entry.at}, {verb}:"
        )
        table = Table(show_lines=True)
        table.add_column("field", style="bold", no_wrap=True)
        table.add_column("before", overflow="fold")
        table.add_column("after", overflow="fold")
        for name, change in version.changes.items():
            table.add_row(name, cell(change["before"]), cell(change["after"]))
        console.print(alert(heading, style="bold"), highlight=False)
        console.print(table)


def camel_fields(value: Any) -> dict[str, Any]:
    """One of our dataclasses as `--json` shows it: field names in camelCase, as records
    spell theirs (`record_id` is `recordId`)."""
    return {camel(name): item for name, item in asdict(value).items()}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


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
