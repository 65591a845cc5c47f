"""How a watch report reads in a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from coercionwatch.analysis.watch import (
    WatchReport,
)
from coercionwatch.cli.output import alert


def print_report(console: Console, report: WatchReport, *, dry_run: bool) -> None:
    s = report.snapshot
    before = (
        f"compared with snapshot {report.previous['snapshot']} "
        f"({report.previous['published'] or 'undated'})"
        if report.previous
        else "first snapshot of this list"
    )
    console.print(
        alert(
            s.list_name,
            f" {s.published or 'undated'} · {s.format} · {s.entries:,} entries · {before}",
            style="bold",
        )
    )
    console.print(
        f"added {report.added} · removed {report.removed} · amended {report.amended}"
        f" · relevant {len(report.relevant)}"
    )
    others = report.added + report.removed + report.amended - len(report.relevant)
    if others:
        console.print(
            f"{others:,} other change(s), under programs not followed and naming no recorded "
            "actor: each is listed, field by field, with --json."
        )
    for change in report.relevant:
        entry = change.entry
        table = Table(
            title=f"{change.change.upper()}: {entry.name} (entry {entry.entry_id})",
            show_header=False,
            title_justify="left",
        )
        table.add_column("what", style="bold")
        table.add_column("detail", overflow="fold")
        table.add_row("programs", ", ".join(entry.programs) or "-")
        table.add_row("followed", ", ".join(change.programs) or "no (matched a recorded actor)")
        for match in change.matches:
            table.add_row(
                "matches", f"{match.actor_id} ({match.score:.0f}): " + "; ".join(match.reasons)
            )
        if change.measure_id:
            state = "drafted" if change.drafted else "already recorded"
            table.add_row("measure", f"{change.measure_id} ({state})")
        for name, detail in (change.fields or {}).items():
            table.add_row(f"changed: {name}", f"{detail['before']!r} → {detail['after']!r}")
        for step in change.checklist:
            mark = alert("done", style="green") if step.done else alert("open", style="red")
            extra = f" ({', '.join(step.by)})" if step.by else ""
            extra += f" — missing: {', '.join(step.missing)}" if step.missing else ""
            table.add_row(mark, step.label + extra)
        console.print(table)
    if report.drafts:
        drafts = ", ".join(f"{r.kind} {r.id}" for r in report.drafts)
        if dry_run:
            console.print(f"Would propose: {drafts}")
        elif report.proposals:
            numbers = " ".join(str(seq) for seq in report.proposals)
            console.print(
                f"Proposed for review (not current, not public): {drafts}. "
                f"Read them with `coercionwatch proposals`, then accept or reject {numbers}."
            )
        else:
            console.print(f"Already proposed and awaiting review: {drafts}")
    elif dry_run:
        console.print("Dry run: nothing written.")
