"""How proposals read in a terminal: one table each, the change field by field."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from coercionwatch.store import Proposal

from .output import cell


def proposal_table(proposal: Proposal) -> Table:
    state = proposal.status
    if proposal.stale:
        state += f" — stale: the record is now at version {proposal.current_version}"
    if proposal.decision:
        decided = proposal.decision
        state += f" by {decided.author}, {decided.at[:16]}"
        state += f": {decided.reason}" if decided.reason else ""
    title = (
        f"proposal {proposal.seq}: {proposal.action} {proposal.kind} {proposal.record_id} "
        f"(version {proposal.version}) by {proposal.author}, {proposal.at[:16]} · {state}"
    )
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("field", style="bold")
    table.add_column(
        f"version {proposal.base_version}" if proposal.base is not None else "before",
        overflow="fold",
    )
    table.add_column("proposed", overflow="fold")
    for name, change in proposal.changes().items():
        table.add_row(name, cell(change["before"]), cell(change["after"]))
    if proposal.reason:
        table.caption = f"why: {proposal.reason}"
    return table


def print_proposals(console: Console, proposals: list[Proposal]) -> None:
    if not proposals:
        console.print("No proposals.")
        return
    for proposal in proposals:
        console.print(proposal_table(proposal))


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.seq,
        "action": proposal.action,
        "kind": proposal.kind,
        "recordId": proposal.record_id,
        "version": proposal.version,
        "baseVersion": proposal.base_version,
        "currentVersion": proposal.current_version,
        "stale": proposal.stale,
        "status": proposal.status,
        "author": proposal.author,
        "at": proposal.at,
        "reason": proposal.reason,
        "decision": proposal.decision.__dict__ if proposal.decision else None,
        "changes": proposal.changes(),
        "record": proposal.body,
    }
