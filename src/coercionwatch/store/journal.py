"""The journal's hash chain: how an entry's hash is computed and how the chain is checked."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from coercionwatch.model import content_hash

from .schema import journal, records, versions

GENESIS = "0" * 64
CHANGES = frozenset({"create", "update", "delete"})
"""Actions that change what is current; `propose`, `accept` and `reject` only decide."""
DECISIONS = frozenset({"accept", "reject"})


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    at: str
    author: str
    action: str
    kind: str
    record_id: str
    version: int
    version_hash: str | None
    reason: str | None
    prev_hash: str
    entry_hash: str

    @classmethod
    def from_row(cls, row: Any) -> JournalEntry:
        return cls(**row._mapping)


def entry_hash(
    *,
    seq: int,
    at: str,
    author: str,
    action: str,
    kind: str,
    record_id: str,
    version: int,
    version_hash: str | None,
    reason: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 of the entry's canonical JSON; `prev` chains it to the entry before."""
    return content_hash(
        {
            "seq": seq,
            "at": at,
            "author": author,
            "action": action,
            "kind": kind,
            "id": record_id,
            "version": version,
            "versionHash": version_hash,
            "reason": reason,
            "prev": prev_hash,
        }
    )


@dataclass(frozen=True)
class ChainFault:
    """The first place where the stored history is not what the journal asserts."""

    seq: int | None
    kind: str | None
    record_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"journal entry {self.seq}" if self.seq is not None else "the store"
        record = f" ({self.kind} {self.record_id!r})" if self.kind else ""
        return f"{where}{record}: {self.message}"


def check_chain(connection: Connection) -> Iterator[ChainFault]:
    """Every fault in the journal, its versions and the current records, in journal order."""
    previous = GENESIS
    expected_seq = 1
    latest: dict[tuple[str, str], tuple[int, str | None]] = {}
    stored = connection.execute(
        select(
            versions.c.kind, versions.c.id, versions.c.version, versions.c.hash, versions.c.body
        ).order_by(versions.c.kind, versions.c.id, versions.c.version)
    )
    # Digests, not bodies, are kept: memory stays small however large the history.
    digests = {
        (r.kind, r.id, r.version): (r.hash, hashlib.sha256(r.body.encode("utf-8")).hexdigest())
        for r in stored
    }
    seen_versions: set[tuple[str, str, int]] = set()
    for row in connection.execute(select(journal).order_by(journal.c.seq)):
        entry = JournalEntry.from_row(row)
        where = (entry.seq, entry.kind, entry.record_id)
        if entry.seq != expected_seq:
            yield ChainFault(*where, f"sequence jumps from {expected_seq - 1} to {entry.seq}")
        if entry.prev_hash != previous:
            yield ChainFault(*where, "does not link to the entry before it")
        fields = {k: v for k, v in entry.__dict__.items() if k != "entry_hash"}
        if entry_hash(**fields) != entry.entry_hash:
            yield ChainFault(*where, "its contents do not match its hash")
        if entry.version_hash is not None:
            key = (entry.kind, entry.record_id, entry.version)
            seen_versions.add(key)
            found = digests.get(key)
            if found is None:
                yield ChainFault(*where, f"version {entry.version} is missing")
            else:
                if found != (entry.version_hash, entry.version_hash):
                    yield ChainFault(*where, f"version {entry.version} was altered")
        if entry.action in CHANGES:
            latest[(entry.kind, entry.record_id)] = (entry.version, entry.version_hash)
        previous = entry.entry_hash
        expected_seq = entry.seq + 1
    for key in digests.keys() - seen_versions:
        yield ChainFault(None, key[0], key[1], f"version {key[2]} has no journal entry")
    current = connection.execute(
        select(records.c.kind, records.c.id, records.c.version, records.c.hash, records.c.deleted)
    )
    for row in current:
        journaled = latest.pop((row.kind, row.id), None)
        if journaled is None:
            yield ChainFault(None, row.kind, row.id, "the record has no journal entry")
        elif journaled[0] != row.version or (not row.deleted and journaled[1] != row.hash):
            yield ChainFault(None, row.kind, row.id, "the current version is not the journaled one")
    for kind, record_id in latest:
        yield ChainFault(None, kind, record_id, "journaled, but missing from the records")
