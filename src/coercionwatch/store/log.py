"""The transparency log in the store: its leaves, the complete nodes above them, and the
checkpoints signed over it.

Every journal entry's hash is a leaf, appended in the same transaction as the entry (the
journal is written only through `append_entries`), as is every capture's digest and every
snapshot's manifest digest. Leaves are 32-byte hashes: they say that something was
recorded, never what, so restricted records are counted without being shown. The complete
nodes are stored as leaves arrive (`merkle.completed_nodes`), so a proof reads O(log n)
rows. `check_log` recomputes all of it, and refuses a tree that does not extend the
latest checkpoint signed: a truncated or rewritten journal cannot pass `verify`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, func, insert, select
from sqlalchemy.engine import Connection

from coercionwatch.model import merkle, note

from .database import WRITE_LOCK, advisory_lock
from .journal import ChainFault
from .reader import shown_publicly
from .schema import journal, log_checkpoints, log_leaves, log_nodes, records

LEAF_KINDS = ("journal", "capture", "snapshot")
JOURNAL_COLUMNS = (
    "seq",
    "at",
    "author",
    "action",
    "kind",
    "record_id",
    "version",
    "version_hash",
    "reason",
    "prev_hash",
    "entry_hash",
)


def marks(connection: Connection, count: int) -> str:
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def insert_rows(connection: Connection, table: str, columns: str, rows: list[tuple]) -> None:
    """Many rows through the driver's executemany: no per-row statement compilation."""
    if rows:
        values = marks(connection, columns.count(",") + 1)
        connection.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({values})", rows)


def append_entries(connection: Connection, entries: Sequence[dict[str, Any]]) -> None:
    """The one way into the journal: the entries, and their hashes as leaves of the log."""
    rows = [tuple(entry[c] for c in JOURNAL_COLUMNS) for entry in entries]
    insert_rows(connection, "journal", ", ".join(JOURNAL_COLUMNS), rows)
    append_leaves(
        connection,
        "journal",
        [bytes.fromhex(e["entry_hash"]) for e in entries],
        seqs=[e["seq"] for e in entries],
    )


def tree_size(connection: Connection) -> int:
    """One past the last leaf: read off the primary key, not counted."""
    return connection.execute(select(func.coalesce(func.max(log_leaves.c.idx) + 1, 0))).scalar_one()


def _frontier(connection: Connection, size: int) -> dict[tuple[int, int], bytes]:
    """The complete nodes a new leaf at `size` may pair with: one per set bit of `size`."""
    wanted: list[tuple[int, int]] = []
    start = 0
    for level in reversed(range(size.bit_length())):
        if size >> level & 1:
            wanted.append((level, start >> level))
            start += 1 << level
    return _nodes(connection, wanted)


def _nodes(
    connection: Connection, wanted: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], bytes]:
    """The stored nodes asked for, in one query: `level = ? AND idx IN (…)` for each level,
    which both databases answer from the primary key (a row-value list makes SQLite scan).
    Written as driver SQL: building and compiling the statement cost more than answering it."""
    by_level: dict[int, list[int]] = {}
    for level, index in dict.fromkeys(wanted):
        by_level.setdefault(level, []).append(index)
    if not by_level:
        return {}
    mark = marks(connection, 1)
    where = " OR ".join(
        f"(level = {mark} AND idx IN ({marks(connection, len(indexes))}))"
        for indexes in by_level.values()
    )
    parameters = tuple(v for level, indexes in by_level.items() for v in (level, *indexes))
    rows = connection.exec_driver_sql(
        f"SELECT level, idx, hash FROM {log_nodes.name} WHERE {where}", parameters
    )
    return {(level, index): bytes(hashed) for level, index, hashed in rows}


def append_leaves(
    connection: Connection, kind: str, data: Sequence[bytes], *, seqs: Sequence[int] | None = None
) -> list[int]:
    """Append leaves (32-byte hashes) and the nodes they complete; returns their indexes.
    A journal leaf keeps its entry's number (`seqs`), so a proof finds it by an index;
    the number is the store's, never published."""
    if not data:
        return []
    if kind not in LEAF_KINDS:
        raise ValueError(f"unknown leaf kind {kind!r}")
    # The journal's writer lock: leaves are numbered one writer at a time.
    advisory_lock(connection, WRITE_LOCK)
    size = tree_size(connection)
    known = _frontier(connection, size)
    leaves: list[tuple[int, str, bytes, int | None]] = []
    nodes: list[tuple[int, int, bytes, int]] = []
    for offset, value in enumerate(data):
        if len(value) != merkle.HASH_SIZE:
            raise ValueError("a leaf of the log is a 32-byte hash")
        index = size + offset
        leaves.append((index, kind, value, seqs[offset] if seqs is not None else None))
        for level, position, hashed in merkle.completed_nodes(
            index, merkle.leaf_hash(value), lambda level, position: known[level, position]
        ):
            known[level, position] = hashed
            nodes.append((level, position, hashed, index + 1))
    insert_rows(connection, "log_leaves", "idx, kind, data, seq", leaves)
    insert_rows(connection, "log_nodes", "level, idx, hash, size", nodes)
    return [leaf[0] for leaf in leaves]


def node_reader(connection: Connection, ranges: Iterable[tuple[int, int]]) -> merkle.NodeLookup:
    """A lookup holding exactly the nodes these leaf ranges need, read in one query."""
    found = _nodes(connection, (n for a, b in ranges for n in merkle.subtree_nodes(a, b)))

    def node(level: int, index: int) -> bytes:
        try:
            return found[level, index]
        except KeyError:
            raise LookupError(f"the log lacks node {index} at level {level}") from None

    return node


def root(connection: Connection, size: int | None = None) -> bytes:
    size = tree_size(connection) if size is None else size
    if size == 0:
        return merkle.EMPTY_ROOT
    return merkle.subtree_hash(0, size, node_reader(connection, [(0, size)]))


def inclusion_proof(connection: Connection, index: int, size: int) -> list[bytes]:
    ranges = merkle.inclusion_nodes(index, size)
    return merkle.inclusion_proof(index, size, node_reader(connection, ranges))


def consistency_proof(connection: Connection, old: int, new: int) -> list[bytes]:
    ranges = merkle.consistency_ranges(old, new)
    return merkle.consistency_proof(old, new, node_reader(connection, ranges))


def leaf_data(connection: Connection, start: int, end: int) -> list[bytes]:
    rows = connection.execute(
        select(log_leaves.c.data)
        .where(log_leaves.c.idx >= start, log_leaves.c.idx < end)
        .order_by(log_leaves.c.idx)
    )
    return [bytes(r.data) for r in rows]


def level_hashes(connection: Connection, level: int, start: int, end: int) -> list[bytes]:
    """The stored nodes of one tree level, [start, end), in order: a tile's contents."""
    rows = connection.execute(
        select(log_nodes.c.hash)
        .where(log_nodes.c.level == level, log_nodes.c.idx >= start, log_nodes.c.idx < end)
        .order_by(log_nodes.c.idx)
    )
    return [bytes(r.hash) for r in rows]


# --- checkpoints


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    root: bytes
    note: bytes
    signed_at: str


def sign_checkpoint(connection: Connection, signer: note.Signer, *, at: str) -> bytes:
    """Sign the tree as it stands, keep the checkpoint, return it as a signed note."""
    advisory_lock(connection, WRITE_LOCK)
    size = tree_size(connection)
    checkpoint = note.Checkpoint(signer.name, size, root(connection, size))
    signed = note.sign_checkpoint(checkpoint, signer)
    latest = latest_checkpoint(connection)
    if latest is not None and latest.size == size:
        if latest.root != checkpoint.root:
            raise ValueError(
                f"the tree of {size} leaves has another root than the checkpoint signed at "
                f"{latest.signed_at}; run verify"
            )
        return signed
    connection.execute(
        insert(log_checkpoints).values(
            size=size, root=checkpoint.root, note=signed.decode("utf-8"), signed_at=at
        )
    )
    return signed


def latest_checkpoint(connection: Connection) -> StoredCheckpoint | None:
    row = connection.execute(
        select(log_checkpoints).order_by(log_checkpoints.c.size.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return StoredCheckpoint(row.size, bytes(row.root), row.note.encode("utf-8"), row.signed_at)


# --- verify


def check_log(connection: Connection) -> Iterator[ChainFault]:
    """Every fault of the log: journal entries that are not its journal leaves in order,
    nodes that are not the hashes of their children, and checkpoints the tree does not
    extend. Streams leaves and nodes, keeping only the frontier of complete subtrees."""
    entries = connection.execute(
        select(journal.c.seq, journal.c.entry_hash).order_by(journal.c.seq)
    )
    leaves = connection.execute(
        select(log_leaves.c.idx, log_leaves.c.kind, log_leaves.c.data).order_by(log_leaves.c.idx)
    )
    checkpoints = {c.size: bytes(c.root) for c in connection.execute(select(log_checkpoints))}
    stored = connection.execute(
        select(log_nodes.c.level, log_nodes.c.idx, log_nodes.c.hash).order_by(
            log_nodes.c.size, log_nodes.c.level
        )
    )
    expected = ((r.level, r.idx, bytes(r.hash)) for r in stored)
    frontier: dict[tuple[int, int], bytes] = {}
    count = 0
    journal_rows = iter(entries)
    for row in leaves:
        if row.idx != count:
            yield _fault(f"the log skips from leaf {count - 1} to leaf {row.idx}")
            return
        if row.kind == "journal":
            entry = next(journal_rows, None)
            if entry is None or bytes(row.data) != bytes.fromhex(entry.entry_hash):
                seq = entry.seq if entry is not None else None
                yield ChainFault(seq, None, None, f"log leaf {row.idx} is not this entry's hash")
                return
        for level, position, hashed in merkle.completed_nodes(
            count, merkle.leaf_hash(bytes(row.data)), lambda lv, ix: frontier[lv, ix]
        ):
            frontier[level, position] = hashed
            if level > 0:
                del frontier[level - 1, 2 * position], frontier[level - 1, 2 * position + 1]
            if next(expected, None) != (level, position, hashed):
                yield _fault(f"log node {position} at level {level} is not its leaves' hash")
                return
        count += 1
        signed = checkpoints.pop(count, None)
        if signed is not None and signed != merkle.subtree_hash(
            0, count, lambda lv, ix: frontier[lv, ix]
        ):
            yield _fault(
                f"the log's first {count:,} leaves do not hash to the checkpoint signed at "
                "that size: the journal was rewritten"
            )
    left = next(journal_rows, None)
    if left is not None:
        yield ChainFault(left.seq, None, None, "this journal entry is not in the log")
    for size in sorted(checkpoints):
        yield _fault(
            f"a checkpoint was signed at {size:,} leaves, but the log has {count:,}: "
            "the journal was truncated"
        )


def _fault(message: str) -> ChainFault:
    return ChainFault(None, None, None, message)


# --- proofs of journal entries


def entry_fields(row: Any) -> dict[str, Any]:
    """A journal entry as its hash covers it, under the names the seed format uses: what a
    reader recomputes the leaf from."""
    return {
        "seq": row.seq,
        "at": row.at,
        "author": row.author,
        "action": row.action,
        "kind": row.kind,
        "id": row.record_id,
        "version": row.version,
        "versionHash": row.version_hash,
        "reason": row.reason,
        "prev": row.prev_hash,
        "hash": row.entry_hash,
    }


def record_leaf(connection: Connection, kind: str, record_id: str) -> tuple[Any, int] | None:
    """The journal entry that made the record's current version (the latest naming it) and
    its leaf index, in one query."""
    row = connection.execute(
        select(journal, log_leaves.c.idx.label("leaf"))
        .join(
            records,
            and_(
                records.c.kind == journal.c.kind,
                records.c.id == journal.c.record_id,
                records.c.version == journal.c.version,
            ),
        )
        .join(log_leaves, log_leaves.c.seq == journal.c.seq)
        .where(
            journal.c.kind == kind,
            journal.c.record_id == record_id,
            journal.c.action.in_(("create", "update", "accept", "delete")),
        )
        .order_by(journal.c.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else (row, row.leaf)


def entry_proof(
    connection: Connection, entry: Any, index: int, signed: StoredCheckpoint | None
) -> note.InclusionProof | None:
    """The entry's inclusion proof in the checkpoint, its fields as extra data; None until a
    checkpoint covers it."""
    if signed is None or index >= signed.size:
        return None
    hashes = tuple(inclusion_proof(connection, index, signed.size))
    extra = orjson.dumps(entry_fields(entry))
    return note.InclusionProof(index, hashes, signed.note, extra)


def shown_entries(connection: Connection) -> Iterator[tuple[Any, int]]:
    """The changes to the records the public sees, each with its leaf index, in journal
    order. The k-th journal leaf is entry k (`check_log` holds the store to that), so the
    leaves are walked beside the entries, not looked up one by one."""
    entries = connection.execute(
        select(journal)
        .join(records, and_(records.c.kind == journal.c.kind, records.c.id == journal.c.record_id))
        .where(
            records.c.deleted.is_(False),
            shown_publicly(),
            journal.c.action.in_(("create", "update", "accept")),
        )
        .order_by(journal.c.seq)
    )
    leaves = connection.execute(
        select(log_leaves.c.idx).where(log_leaves.c.kind == "journal").order_by(log_leaves.c.idx)
    ).scalars()
    seq = 0
    index = -1
    for entry in entries:
        while seq < entry.seq:
            index = next(leaves)
            seq += 1
        yield entry, index


def checkpoint_size(connection: Connection) -> int:
    """The size of the latest checkpoint signed; 0 before the first."""
    return connection.execute(
        select(func.coalesce(func.max(log_checkpoints.c.size), 0))
    ).scalar_one()
