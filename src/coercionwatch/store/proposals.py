"""Proposals: versions that a program inferred or a contributor submitted, stored and
journaled but neither current nor public until a person accepts them.

A proposal is named by the sequence number of the journal entry that proposed it. Accepting
journals the decision (`accept`, with who and why) and then the change itself (`create` or
`update`, with the proposal's own reason); rejecting journals `reject` with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection

from coercionwatch.ingest import Incoming
from coercionwatch.model import (
    InvalidInput,
    Key,
    Location,
    Problem,
    load_record,
    pointers,
)
from coercionwatch.model.changes import field_changes

from .log import append_entries
from .schema import journal, proposals, records, stored_version, versions
from .withheld import refresh_withheld
from .writer import ImportSummary, JournalWriter, missing_references, write_batch


@dataclass(frozen=True)
class Decision:
    seq: int
    author: str
    at: str
    reason: str | None


@dataclass(frozen=True)
class Proposal:
    seq: int
    kind: str
    record_id: str
    version: int
    hash: str
    base_version: int
    status: str
    author: str
    at: str
    reason: str | None
    body: dict[str, Any]
    current_version: int
    base: dict[str, Any] | None
    """The body it was proposed against, or None when it would create the record."""
    decision: Decision | None

    @property
    def action(self) -> str:
        return "update" if self.base is not None else "create"

    @property
    def stale(self) -> bool:
        """The record moved on since this was proposed: accepting it would undo that."""
        return self.status == "open" and self.current_version != self.base_version

    def changes(self) -> dict[str, Any]:
        """What it changes in the version it was proposed against, field by field."""
        return field_changes(self.base, self.body)


def _query(connection: Connection) -> Any:
    proposed = versions.alias("proposed")
    base = versions.alias("base")
    decision = journal.alias("decision")
    return (
        select(
            proposals,
            journal.c.author,
            journal.c.at,
            journal.c.reason,
            proposed.c.hash,
            proposed.c.body,
            records.c.version.label("current_version"),
            base.c.body.label("base_body"),
            decision.c.author.label("decided_by"),
            decision.c.at.label("decided_at"),
            decision.c.reason.label("decision_reason"),
        )
        .join(journal, journal.c.seq == proposals.c.seq)
        .join(
            proposed,
            stored_version(proposed, proposals.c.kind, proposals.c.record_id, proposals.c.version),
        )
        .outerjoin(
            records,
            and_(records.c.kind == proposals.c.kind, records.c.id == proposals.c.record_id),
        )
        .outerjoin(
            base,
            stored_version(base, proposals.c.kind, proposals.c.record_id, proposals.c.base_version),
        )
        .outerjoin(decision, decision.c.seq == proposals.c.decided_seq)
    )


def _proposal(row: Any) -> Proposal:
    decision = None
    if row.decided_seq is not None:
        decision = Decision(row.decided_seq, row.decided_by, row.decided_at, row.decision_reason)
    return Proposal(
        seq=row.seq,
        kind=row.kind,
        record_id=row.record_id,
        version=row.version,
        hash=row.hash,
        base_version=row.base_version,
        status=row.status,
        author=row.author,
        at=row.at,
        reason=row.reason,
        body=orjson.loads(row.body),
        current_version=row.current_version or 0,
        base=orjson.loads(row.base_body) if row.base_body is not None else None,
        decision=decision,
    )


def list_proposals(
    connection: Connection, status: str | None = "open", kind: str | None = None
) -> list[Proposal]:
    query = _query(connection).order_by(proposals.c.seq)
    if status:
        query = query.where(proposals.c.status == status)
    if kind:
        query = query.where(proposals.c.kind == kind)
    return [_proposal(row) for row in connection.execute(query)]


def _chosen(connection: Connection, seqs: Iterable[int]) -> tuple[list[Proposal], list[Problem]]:
    wanted = list(dict.fromkeys(seqs))
    rows = connection.execute(_query(connection).where(proposals.c.seq.in_(wanted)))
    found = {row.seq: _proposal(row) for row in rows}
    problems = [
        Problem(Location(f"proposal {seq}"), "no such proposal")
        for seq in wanted
        if seq not in found
    ]
    chosen = [found[seq] for seq in wanted if seq in found]
    for proposal in chosen:
        if proposal.status != "open":
            problems.append(_problem(proposal, f"already {proposal.status}"))
    return chosen, problems


def _problem(proposal: Proposal, message: str) -> Problem:
    return Problem(Location(f"proposal {proposal.seq}"), message, proposal.kind, proposal.record_id)


def same_person(one: str, other: str) -> bool:
    """Names as people type them: case and spacing do not make another person."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def accept(
    connection: Connection,
    seqs: Iterable[int],
    *,
    author: str,
    reason: str | None,
    four_eyes: bool = False,
) -> ImportSummary:
    """Make proposals current, all or nothing; the caller rolls back when this raises."""
    writer = JournalWriter(connection, author, reason)  # takes the write lock first
    chosen, problems = _chosen(connection, seqs)
    seen: dict[Key, int] = {}
    for proposal in chosen:
        key = (proposal.kind, proposal.record_id)
        if key in seen:
            problems.append(_problem(proposal, f"proposal {seen[key]} changes the same record"))
        seen[key] = proposal.seq
        if four_eyes and same_person(proposal.author, author):
            problems.append(
                _problem(proposal, f"proposed by {author}; four eyes: someone else must accept it")
            )
        if proposal.stale:
            problems.append(
                _problem(
                    proposal,
                    f"the record changed since it was proposed (now version "
                    f"{proposal.current_version}, proposed on version {proposal.base_version}); "
                    "reject it and propose again",
                )
            )
    batch = [Incoming(load_record(p.kind, p.body), Location(f"proposal {p.seq}")) for p in chosen]
    wanted: dict[Key, list[tuple[Location, str, str, str]]] = {}
    for item in batch:
        record = item.record
        for path, target_kind, target in pointers(record):
            if (target_kind, target) not in seen:
                referrer = (item.location, record.kind, record.id, path)
                wanted.setdefault((target_kind, target), []).append(referrer)
    problems.extend(
        Problem(
            p.location,
            p.message + " (accept the proposal that adds it first, or with it)",
            p.kind,
            p.record_id,
            p.field,
        )
        for p in missing_references(connection, wanted)
    )
    if problems:
        raise InvalidInput(problems)
    decisions = [writer.entry("accept", p.kind, p.record_id, p.version, p.hash) for p in chosen]
    append_entries(connection, decisions)
    summary = ImportSummary()
    stored = {(p.kind, p.record_id): (p.version, p.reason, p.hash) for p in chosen}
    write_batch(connection, writer, batch, summary, accepted=stored)
    _decide(connection, chosen, decisions, "accepted")
    refresh_withheld(connection)
    return summary


def reject(connection: Connection, seqs: Iterable[int], *, author: str, reason: str) -> int:
    """Close proposals without making them current; their versions stay in the history."""
    if not reason.strip():
        raise InvalidInput([Problem(Location("(reject)"), "a reason is required", field="reason")])
    writer = JournalWriter(connection, author, reason)
    chosen, problems = _chosen(connection, seqs)
    if problems:
        raise InvalidInput(problems)
    decisions = [writer.entry("reject", p.kind, p.record_id, p.version, p.hash) for p in chosen]
    append_entries(connection, decisions)
    _decide(connection, chosen, decisions, "rejected")
    return len(chosen)


def _decide(
    connection: Connection,
    chosen: list[Proposal],
    decisions: list[dict[str, Any]],
    status: str,
) -> None:
    for proposal, decision in zip(chosen, decisions, strict=True):
        connection.execute(
            update(proposals)
            .where(proposals.c.seq == proposal.seq)
            .values(status=status, decided_seq=decision["seq"])
        )
