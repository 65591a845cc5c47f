"""Writing records: every change is a new version plus a journal entry, in one transaction.

An import is all-or-nothing: records are validated and written as they stream in, and the
transaction is rolled back if any problem is found, so a failed or killed import leaves
the database exactly as it was.
"""

from __future__ import annotations

import gc
import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import and_, delete, func, select, tuple_, update
from sqlalchemy.engine import Connection

from coercionwatch.ingest import Incoming
from coercionwatch.model import (
    InvalidInput,
    Key,
    Location,
    Problem,
    Record,
    canonical_json,
    load_record,
    pointers,
    stored_body,
)
from coercionwatch.model.types import utc_timestamp

from .answers import forget_answer, write_answers
from .chronology import Chronology
from .conflicts import check_versions
from .counts import forget_deleted, forget_written
from .database import WRITE_LOCK, advisory_lock
from .facets import forget_facets, write_facets
from .journal import GENESIS, entry_hash
from .log import append_entries, insert_rows, marks
from .reimport import as_written_here
from .schema import journal, proposals, records, refs, stored_version, versions
from .search import IndexEntry, index_rows, record_text, unindex
from .withheld import refresh_withheld

BATCH_SIZE = 500
STATISTICS_FROM = 2_000
"""Rows an import writes before it first refreshes the planner's statistics (then at each
doubling: a few ANALYZEs for the largest import)."""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    """Records left as they are because they exist already (with `add_only`), whether or
    not they changed since they were loaded: a deleted one stays deleted."""
    warnings: list[Problem] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)
    """Journal sequence numbers of the proposals written (each one's id)."""
    versions: dict[tuple[str, str], int] = field(default_factory=dict)
    """The version now current of each record whose version was checked, or of the one saved."""


def connection_max_pk(connection: Connection) -> int:
    return connection.execute(select(func.coalesce(func.max(records.c.pk), 0))).scalar_one()


class JournalWriter:
    """Appends journal entries within one transaction, holding the chain's head."""

    def __init__(self, connection: Connection, author: str, reason: str | None) -> None:
        self.connection = connection
        self.author = author
        self.reason = reason
        self.at = utc_timestamp()
        # One writer at a time extends the chain; others wait for the lock.
        advisory_lock(connection, WRITE_LOCK)
        head = connection.execute(
            select(journal.c.seq, journal.c.entry_hash).order_by(journal.c.seq.desc()).limit(1)
        ).first()
        self.seq, self.head = (head.seq, head.entry_hash) if head else (0, GENESIS)
        self._pk: int | None = None

    def next_pk(self) -> int:
        """Record keys are handed out under the write lock, so a batch needs no round trip."""
        if self._pk is None:
            self._pk = connection_max_pk(self.connection)
        self._pk += 1
        return self._pk

    def entry(
        self,
        action: str,
        kind: str,
        record_id: str,
        version: int,
        version_hash: str | None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """The next entry; `reason` overrides the writer's own (an accepted proposal's)."""
        self.seq += 1
        fields = {
            "seq": self.seq,
            "at": self.at,
            "author": self.author,
            "action": action,
            "kind": kind,
            "record_id": record_id,
            "version": version,
            "version_hash": version_hash,
            "reason": reason if reason is not None else self.reason,
            "prev_hash": self.head,
        }
        self.head = entry_hash(**fields)
        return {**fields, "entry_hash": self.head}


@dataclass
class _Prepared:
    incoming: Incoming
    data: dict[str, Any]
    body: str
    digest: str


def _prepare(incoming: Incoming) -> _Prepared:
    data = stored_body(incoming.record)
    raw = canonical_json(data)
    return _Prepared(incoming, data, raw.decode("utf-8"), hashlib.sha256(raw).hexdigest())


def _existing(connection: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    found = {}
    by_kind: dict[str, list[str]] = {}
    for kind, record_id in keys:
        by_kind.setdefault(kind, []).append(record_id)
    for kind, ids in by_kind.items():
        rows = connection.exec_driver_sql(
            "SELECT pk, kind, id, version, hash, deleted, title FROM records "
            f"WHERE kind = {marks(connection, 1)} AND id IN ({marks(connection, len(ids))})",
            (kind, *ids),
        )
        found.update({(row.kind, row.id): row for row in rows})
    return found


def _latest_versions(connection: Connection, keys: list[tuple[str, str]]) -> dict[Key, int]:
    """The highest stored version of each record: proposals use up numbers too."""
    by_kind: dict[str, list[str]] = {}
    for kind, record_id in keys:
        by_kind.setdefault(kind, []).append(record_id)
    found: dict[Key, int] = {}
    for kind, ids in by_kind.items():
        rows = connection.exec_driver_sql(
            "SELECT id, MAX(version) FROM versions "
            f"WHERE kind = {marks(connection, 1)} AND id IN ({marks(connection, len(ids))}) "
            "GROUP BY id",
            (kind, *ids),
        )
        found.update({(kind, row[0]): row[1] for row in rows})
    return found


def _open_proposal_hashes(
    connection: Connection, keys: list[tuple[str, str]]
) -> dict[Key, set[str]]:
    rows = connection.execute(
        select(proposals.c.kind, proposals.c.record_id, versions.c.hash)
        .join(
            versions,
            stored_version(versions, proposals.c.kind, proposals.c.record_id, proposals.c.version),
        )
        .where(
            proposals.c.status == "open",
            tuple_(proposals.c.kind, proposals.c.record_id).in_(keys),
        )
    )
    found: dict[Key, set[str]] = {}
    for row in rows:
        found.setdefault((row.kind, row.record_id), set()).add(row.hash)
    return found


def _live(row: Any) -> bool:
    return row is not None and not row.deleted


def write_batch(
    connection: Connection,
    writer: JournalWriter,
    batch: list[Incoming],
    summary: ImportSummary,
    *,
    propose: bool = False,
    accepted: Mapping[Key, tuple[int, str | None, str]] | None = None,
    add_only: bool = False,
) -> None:
    """Create, update or leave unchanged each record of a batch.

    With `propose`, each change becomes a proposal: a stored, journaled version that is
    not current. `accepted` makes stored proposals current: (version, its reason, its hash)
    by key; the hash is the stored one, since a version written under an older model is
    made current as it was written, not as the model restates it.
    With `add_only`, a record that exists (or existed: deleted) is left as it is.
    """
    keys = [(item.record.kind, item.record.id) for item in batch]
    existing = _existing(connection, keys)
    if accepted is None:  # an accepted proposal is made current exactly as it was stored
        batch = [
            as_written_here(connection, item)
            if item.record.kind == "incident" and _live(existing.get(keys[n]))
            else item
            for n, item in enumerate(batch)
        ]
    prepared = [_prepare(item) for item in batch]
    latest = {} if accepted is not None else _latest_versions(connection, keys)
    pending = _open_proposal_hashes(connection, keys) if propose else {}
    new_versions, entries, new_records, changed, indexed, replaced = [], [], [], [], [], []
    proposal_rows = []
    for item in prepared:
        record = item.incoming.record
        key = (record.kind, record.id)
        current = existing.get(key)
        if add_only and current is not None:
            summary.kept += 1
            continue
        live = current is not None and not current.deleted
        if (live and current.hash == item.digest) or item.digest in pending.get(key, ()):
            summary.unchanged += 1
            continue
        reason = None
        if accepted is not None:
            version, reason, item.digest = accepted[key]
        else:
            # A delete takes a number without storing a version; proposals store one.
            version = max(latest.get(key, 0), current.version if current else 0) + 1
            new_versions.append((record.kind, record.id, version, item.digest, item.body))
        if propose:
            entry = writer.entry("propose", record.kind, record.id, version, item.digest)
            entries.append(entry)
            base = current.version if current is not None else 0
            proposal_rows.append((entry["seq"], record.kind, record.id, version, base, "open"))
            summary.proposed.append(entry["seq"])
            continue
        action = "update" if live else "create"
        entry = writer.entry(action, record.kind, record.id, version, item.digest, reason)
        entries.append(entry)
        row = (
            version,
            item.digest,
            record.visibility,
            False,
            record.heading(),
            record.when(),
            writer.at,
            record.kind,
            record.id,
        )
        if current is None:
            pk = writer.next_pk()
            new_records.append((pk, *row))
            summary.created += 1
        else:
            pk = current.pk
            changed.append((*row, pk))
            if live:
                replaced.append(_indexed_entry(connection, current))
                summary.updated += 1
            else:
                summary.created += 1
        indexed.append((pk, record, item.data))
    if not entries:
        return
    insert_rows(connection, "versions", "kind, id, version, hash, body", new_versions)
    append_entries(connection, entries)
    insert_rows(
        connection,
        "proposals",
        "seq, kind, record_id, version, base_version, status",
        proposal_rows,
    )
    insert_rows(connection, "records", f"pk, {RECORD_COLUMNS}, kind, id", new_records)
    if changed:
        sets = ", ".join(f"{c} = {marks(connection, 1)}" for c in RECORD_COLUMNS.split(", "))
        mark = marks(connection, 1)
        connection.exec_driver_sql(
            f"UPDATE records SET {sets}, kind = {mark}, id = {mark} WHERE pk = {mark}", changed
        )
    if indexed:
        _write_references(
            connection, [record for _, record, _ in indexed], [r[-1] for r in changed]
        )
        index_rows(
            connection,
            [(pk, record.heading(), record_text(record, data)) for pk, record, data in indexed],
            replaced=replaced,
        )
        write_facets(connection, indexed)
        forget_written(connection, [(pk, record) for pk, record, _ in indexed])
        write_answers(connection, ((pk, record) for pk, record, _ in indexed))


RECORD_COLUMNS = "version, hash, visibility, deleted, title, date, updated_at"


def _indexed_entry(connection: Connection, current: Any) -> IndexEntry:
    """What the search index holds for a record's current version (to remove it)."""
    body = connection.execute(
        select(versions.c.body).where(
            stored_version(versions, current.kind, current.id, current.version)
        )
    ).scalar_one()
    record = load_record(current.kind, orjson.loads(body))
    return (current.pk, current.title, record_text(record))


def _write_references(connection: Connection, written: list[Record], replaced: list[int]) -> None:
    if replaced:
        old = select(records.c.kind, records.c.id).where(records.c.pk.in_(replaced))
        connection.execute(delete(refs).where(tuple_(refs.c.from_kind, refs.c.from_id).in_(old)))
    rows = {
        (record.kind, record.id, path, target_kind, target)
        for record in written
        for path, target_kind, target in pointers(record)
    }
    insert_rows(connection, "refs", "from_kind, from_id, field, to_kind, to_id", sorted(rows))


Referrer = tuple[Location, str, str, str]
"""(where, kind, id, field) of a record that points at another: enough to report it, and
small, so that a large import does not keep every record alive until the end."""


def missing_references(
    connection: Connection,
    wanted: dict[tuple[str, str], list[Referrer]],
    *,
    proposed: bool = False,
    invalid: Mapping[Key, Location] | None = None,
) -> list[Problem]:
    """Problems for every referenced record that exists neither in the batch nor the store
    (nor, with `proposed`, in an open proposal: a proposal may build on another).

    `invalid` locates records of the same import that failed validation: a pointer at one
    of them names it, rather than saying that no such record was given."""
    keys = list(wanted)
    found: set[tuple[str, str]] = set()
    for start in range(0, len(keys), BATCH_SIZE):
        chunk = keys[start : start + BATCH_SIZE]
        found.update(
            (row.kind, row.id)
            for row in connection.execute(
                select(records.c.kind, records.c.id).where(
                    tuple_(records.c.kind, records.c.id).in_(chunk), records.c.deleted.is_(False)
                )
            )
        )
        if proposed:
            found.update(
                (row.kind, row.record_id)
                for row in connection.execute(
                    select(proposals.c.kind, proposals.c.record_id).where(
                        tuple_(proposals.c.kind, proposals.c.record_id).in_(chunk),
                        proposals.c.status == "open",
                    )
                )
            )
    invalid = invalid or {}

    def unresolved(kind: str, target: str) -> str:
        if (kind, target) in invalid:
            where = invalid[(kind, target)]
            return f"refers to {kind} {target!r}, which failed validation ({where}; see there)"
        return f"refers to {kind} {target!r}, which is not in the record"

    return [
        Problem(location, unresolved(kind, target), from_kind, from_id, path)
        for (kind, target), users in wanted.items()
        if (kind, target) not in found
        for location, from_kind, from_id, path in users
    ]


def in_item_order(problems: list[Problem], files: Mapping[str, int]) -> list[Problem]:
    """Problems as the items they concern were given: by file, then by line or item (a
    problem with the whole file first); those of one item in the order they were found."""

    def position(problem: Problem) -> tuple[int, int]:
        where = problem.location
        return files.get(where.file, len(files)), where.line or where.index or 0

    return sorted(problems, key=position)


class _Collections:
    """Who holds the collector's full collections off, across threads: the first to begin
    saves its thresholds, the last to end puts them back; and who holds every collection
    off (`none`), the last of whom turns the collector back on."""

    lock = threading.Lock()
    holders = 0
    silent = 0
    saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections(*, none: bool = False) -> Iterator[None]:
    """Bulk loads and reports over the whole record allocate millions of short-lived
    objects; full collections that re-walk every long-lived object cost a third of the
    import time (and half a coverage report's), so they are held off. Threads may overlap
    (a report on the server while an import runs): the settings are restored once, when
    the last of them ends.

    With `none`, no collection runs at all until the last such holder ends: for a report,
    whose objects all live until it returns and which makes no cyclic garbage, even the
    youngest generation's collections only re-walk what it is building (a fifth of a
    coverage report's time)."""
    with _Collections.lock:
        if _Collections.holders == 0:
            _Collections.saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(100_000, 50, 100)
        _Collections.holders += 1
        if none:
            _Collections.silent += 1
            gc.disable()
    try:
        yield
    finally:
        with _Collections.lock:
            _Collections.holders -= 1
            if none:
                _Collections.silent -= 1
                if _Collections.silent == 0:
                    gc.enable()
            if _Collections.holders == 0:
                gc.set_threshold(*_Collections.saved)
                gc.unfreeze()


def import_records(
    connection: Connection,
    items: Iterable[Incoming | Problem],
    *,
    author: str,
    reason: str | None,
    on_record: Callable[[], None] | None = None,
    propose: bool = False,
    expected_versions: Mapping[tuple[str, str], int] | None = None,
    add_only: bool = False,
) -> ImportSummary:
    """Write every record, or raise InvalidInput naming every problem, in the order of the
    items, and write nothing. With `propose`, every change is written as a proposal
    instead; with `add_only`, records that exist are kept as they are (see write_batch).

    With `expected_versions`, raise VersionConflict unless those records are at those
    versions (0: must not exist). The caller owns the transaction and must roll it back
    when this raises.
    """
    writer = JournalWriter(connection, author, reason)
    if expected_versions:
        check_versions(connection, expected_versions)
    summary = ImportSummary()
    problems: list[Problem] = []
    seen: dict[tuple[str, str], Location] = {}
    wanted: dict[tuple[str, str], list[Referrer]] = {}
    soft: dict[tuple[str, str], list[Referrer]] = {}
    invalid: dict[tuple[str, str], Location] = {}
    files: dict[str, int] = {}
    batch: list[Incoming] = []
    chronology = Chronology()
    written, next_statistics = 0, STATISTICS_FROM
    for item in items:
        if on_record:
            on_record()
        files.setdefault(item.location.file, len(files))
        if isinstance(item, Problem):
            problems.append(item)
            if item.kind and item.record_id:
                invalid.setdefault((item.kind, item.record_id), item.location)
            continue
        record = item.record
        key = (record.kind, record.id)
        if key in seen:
            problems.append(
                Problem(
                    item.location,
                    f"duplicate id, first given at {seen[key]}",
                    record.kind,
                    record.id,
                    "id",
                )
            )
            continue
        seen[key] = item.location
        summary.warnings.extend(item.warnings)
        chronology.note(record, item.location)
        for path, target_kind, target in pointers(record):
            if (target_kind, target) not in seen:
                referrer = (item.location, record.kind, record.id, path)
                wanted.setdefault((target_kind, target), []).append(referrer)
        for path, target_kind, target in pointers(record, soft=True):
            referrer = (item.location, record.kind, record.id, path)
            soft.setdefault((target_kind, target), []).append(referrer)
        if problems:
            continue  # keep validating to report everything, but write nothing more
        batch.append(item)
        if len(batch) >= BATCH_SIZE:
            write_batch(connection, writer, batch, summary, propose=propose, add_only=add_only)
            written += len(batch)
            if written >= next_statistics:
                refresh_statistics(connection)
                next_statistics *= 2
            batch = []
    if not problems:
        write_batch(connection, writer, batch, summary, propose=propose, add_only=add_only)
    unresolved = {key: users for key, users in wanted.items() if key not in seen}
    problems.extend(missing_references(connection, unresolved, proposed=propose, invalid=invalid))
    unresolved_soft = {key: users for key, users in soft.items() if key not in seen}
    summary.warnings.extend(missing_references(connection, unresolved_soft, invalid=invalid))
    too_early, doubtful = chronology.problems(connection)
    problems.extend(too_early)
    summary.warnings.extend(doubtful)
    summary.warnings = in_item_order(summary.warnings, files)
    if problems:
        raise InvalidInput(in_item_order(problems, files))
    if summary.created or summary.updated:
        refresh_withheld(connection)
    return summary


def refresh_statistics(connection: Connection) -> None:
    """Let PostgreSQL plan the rest of an import for the tables it is filling. Its
    statistics come from autovacuum, between transactions; an import that grows the tables
    many times over in one transaction is planned as if they were still small, and the
    projection's update of `facets.shown` then scans every record for every facet row (an
    import of 25,000 actors into a database of one ran for more than 16 minutes). ANALYZE
    counts the transaction's own rows. SQLite is analysed after the import (`Store`)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE records, versions, facets, refs, answers")


def delete_record(
    connection: Connection, kind: str, record_id: str, *, author: str, reason: str | None
) -> None:
    """Mark a record deleted (its versions stay), refusing while other records point at it.

    The write lock comes first, so no import can add a pointer between the check and the
    delete.
    """
    writer = JournalWriter(connection, author, reason)
    row = connection.execute(
        select(records).where(records.c.kind == kind, records.c.id == record_id)
    ).first()
    location = Location("(store)")
    if row is None or row.deleted:
        raise InvalidInput([Problem(location, "no such record", kind, record_id)])
    users = connection.execute(
        select(refs.c.from_kind, refs.c.from_id, refs.c.field)
        .join(records, and_(records.c.kind == refs.c.from_kind, records.c.id == refs.c.from_id))
        .where(refs.c.to_kind == kind, refs.c.to_id == record_id, records.c.deleted.is_(False))
    ).all()
    if users:
        raise InvalidInput(
            [
                Problem(
                    location,
                    f"still referred to by {u.from_kind} {u.from_id!r} ({u.field})",
                    kind,
                    record_id,
                )
                for u in users
            ]
        )
    # Past any proposal's number too, so no two entries of the history share a version.
    stored = _latest_versions(connection, [(kind, record_id)]).get((kind, record_id), 0)
    version = max(row.version, stored) + 1
    append_entries(connection, [writer.entry("delete", kind, record_id, version, None)])
    connection.execute(
        update(records)
        .where(records.c.pk == row.pk)
        .values(version=version, deleted=True, updated_at=writer.at)
    )
    connection.execute(delete(refs).where(refs.c.from_kind == kind, refs.c.from_id == record_id))
    unindex(connection, [_indexed_entry(connection, row)])
    forget_facets(connection, row.pk)
    forget_deleted(connection, kind, row.pk)
    forget_answer(connection, row.pk)
    refresh_withheld(connection)
