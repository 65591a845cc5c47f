"""Reading records back: current versions, old versions, the journal, an incident's log."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from cachetools import LRUCache
from sqlalchemy import and_, bindparam, func, literal_column, select
from sqlalchemy.engine import Connection

from coercionwatch.model import Key, Record, UpdateNote, load_record
from coercionwatch.model.changes import field_changes

from .journal import GENESIS, JournalEntry
from .schema import journal, records, refs, stored_version, versions


@dataclass(frozen=True)
class StoredRecord:
    record: Record
    version: int
    hash: str
    updated_at: str


@dataclass(frozen=True)
class Version:
    entry: JournalEntry
    body: dict[str, Any] | None
    changes: dict[str, Any] = field(default_factory=dict)
    """What this entry changed, field by field (see model.changes), from the version that was
    current before it; a proposal, what it would change. Empty for decisions and deletions."""


def current_rows(*extra: Any) -> Any:
    """Current records with their bodies (and any `extra` columns), to be narrowed."""
    return (
        select(
            records.c.kind,
            records.c.id,
            records.c.version,
            records.c.hash,
            records.c.updated_at,
            versions.c.body,
            *extra,
        )
        .join(versions, stored_version(versions, records.c.kind, records.c.id, records.c.version))
        .where(records.c.deleted.is_(False))
    )


def shown_publicly(table: Any = records) -> Any:
    """The projection's verdict as a query condition: public, and not withheld."""
    return and_(table.c.visibility == "public", table.c.withheld.is_(False))


LOADED_BYTES = 4 << 20
"""Validated records kept per process, counted by the size of their stored JSON: in memory a
record takes about four times that (8,192 records of the 100,000-record benchmark were 10 MiB
of JSON and 41 MiB loaded), so this keeps the process's size flat whatever records it meets."""

LARGEST_KEPT = LOADED_BYTES // 64
"""A record with more JSON than this (an incident is about 5 KiB) is validated each time it
is read, rather than pushing dozens of others out of the cache."""


def _loaded_cache(max_bytes: int) -> LRUCache[tuple[str, str], tuple[Record, int]]:
    return LRUCache(maxsize=max_bytes, getsizeof=lambda kept: kept[1])


_loaded = _loaded_cache(LOADED_BYTES)
_loaded_lock = threading.Lock()


@contextmanager
def loaded_up_to(max_bytes: int) -> Iterator[None]:
    """Keep up to `max_bytes` of validated records while this runs, then go back to
    `LOADED_BYTES` (dropping them): a site build meets each record many times over (its
    page, the lists, the pages of what it points at and of what points at it), where a
    server's request meets a few."""
    global _loaded
    with _loaded_lock:
        _loaded = _loaded_cache(max_bytes)
    try:
        yield
    finally:
        with _loaded_lock:
            _loaded = _loaded_cache(LOADED_BYTES)


def stored(row: Any) -> StoredRecord:
    """The row's record, validated once per content: records are frozen, and the key is the
    version's canonical hash, so a write (a new hash) or another database never meets a
    stale copy. Validation is most of what reading a record costs."""
    key = (row.kind, row.hash)
    with _loaded_lock:
        kept = _loaded.get(key)
    if kept is None:
        record = load_record(row.kind, orjson.loads(row.body))
        if len(row.body) <= LARGEST_KEPT:
            with _loaded_lock:
                _loaded[key] = (record, len(row.body))
    else:
        record = kept[0]
    return StoredRecord(record, row.version, row.hash, row.updated_at)


def get(connection: Connection, kind: str, record_id: str) -> StoredRecord | None:
    row = connection.execute(
        current_rows().where(records.c.kind == kind, records.c.id == record_id)
    ).first()
    return stored(row) if row else None


def heading(connection: Connection, kind: str, record_id: str) -> str | None:
    """A current record's name as lists show it (its stored title), without loading it."""
    return connection.execute(
        select(records.c.title).where(
            records.c.kind == kind, records.c.id == record_id, records.c.deleted.is_(False)
        )
    ).scalar()


def iter_records(
    connection: Connection,
    kind: str | None = None,
    *,
    public_only: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[StoredRecord]:
    """Records newest first by their own date, then by id, streamed."""
    query = current_rows()
    if kind:
        query = query.where(records.c.kind == kind)
    if public_only:
        query = query.where(shown_publicly())
    query = query.order_by(records.c.kind, records.c.date.desc(), records.c.id)
    query = query.offset(offset).limit(limit)
    for row in connection.execute(query.execution_options(yield_per=1000)):
        yield stored(row)


def count(connection: Connection, kind: str | None = None) -> dict[str, int]:
    query = select(records.c.kind, func.count()).where(records.c.deleted.is_(False))
    if kind:
        query = query.where(records.c.kind == kind)
    return {kind: n for kind, n in connection.execute(query.group_by(records.c.kind))}


def history(connection: Connection, kind: str, record_id: str) -> list[Version]:
    query = (
        select(journal, versions.c.body)
        .outerjoin(
            versions,
            stored_version(versions, journal.c.kind, journal.c.record_id, journal.c.version),
        )
        .where(journal.c.kind == kind, journal.c.record_id == record_id)
        .order_by(journal.c.seq)
    )
    result = []
    current: dict[str, Any] | None = None
    for row in connection.execute(query):
        mapping = dict(row._mapping)
        stored = mapping.pop("body")
        body = orjson.loads(stored) if stored else None
        entry = JournalEntry(**mapping)
        changes = {}
        if body is not None and entry.action in ("create", "update", "propose"):
            changes = field_changes(current, body)
        if entry.action in ("create", "update"):
            current = body
        elif entry.action == "delete":
            current = None
        result.append(Version(entry, body, changes))
    return result


def journal_updates(connection: Connection, kind: str, record_id: str) -> list[UpdateNote]:
    """The updates after creation, as the seed format's updateLog lists them."""
    return journal_updates_of(connection, kind, [record_id]).get(record_id, [])


def journal_updates_of(
    connection: Connection, kind: str, record_ids: list[str] | None = None
) -> dict[str, list[UpdateNote]]:
    """`journal_updates` of each of these records (of every record of the kind: None) at
    once, 500 a query: a site build reads ahead for the pages it is about to write."""
    query = (
        select(journal.c.record_id, journal.c.at, journal.c.reason)
        .where(journal.c.kind == kind, journal.c.action == "update")
        .order_by(journal.c.seq)
    )
    chunks = (
        [query]
        if record_ids is None
        else [
            query.where(journal.c.record_id.in_(record_ids[start : start + 500]))
            for start in range(0, len(record_ids), 500)
        ]
    )
    found: dict[str, list[UpdateNote]] = {}
    for chunk in chunks:
        for row in connection.execute(chunk):
            note = UpdateNote(date=row.at[:10], summary=row.reason or "Record revised.")
            found.setdefault(row.record_id, []).append(note)
    return found


def journal_tip(connection: Connection) -> tuple[int, str]:
    row = connection.execute(
        select(journal.c.seq, journal.c.entry_hash).order_by(journal.c.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.entry_hash) if row else (0, GENESIS)


def journal_head(connection: Connection) -> int:
    return connection.execute(select(func.coalesce(func.max(journal.c.seq), 0))).scalar_one()


def referrers(connection: Connection, kind: str, record_id: str) -> list[tuple[str, str, str]]:
    """(kind, id, field) of every current record that points at this one."""
    rows = connection.execute(
        select(refs.c.from_kind, refs.c.from_id, refs.c.field)
        .where(refs.c.to_kind == kind, refs.c.to_id == record_id)
        .order_by(refs.c.from_kind, refs.c.from_id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def withheld_keys(connection: Connection) -> set[tuple[str, str]]:
    rows = connection.execute(
        select(records.c.kind, records.c.id).where(records.c.deleted.is_(False), ~shown_publicly())
    )
    return {(row.kind, row.id) for row in rows}


# The statements a page asks most often, built once with bound parameters: building a
# statement costs more than SQLite takes to answer it. Each names one kind and a list of its
# ids (`kind = ? AND id IN (…)`), the form for which SQLite seeks its (kind, id) index.
_IDS = bindparam("ids", expanding=True)
_PATHS = bindparam("paths", expanding=True)
_ONE_SHOWN = current_rows().where(
    records.c.kind == bindparam("kind"), records.c.id == bindparam("id"), shown_publicly()
)
_SHOWN = current_rows().where(
    records.c.kind == bindparam("kind"), records.c.id.in_(_IDS), shown_publicly()
)
_TITLES = select(records.c.kind, records.c.id, records.c.title).where(
    records.c.kind == bindparam("kind"),
    records.c.id.in_(_IDS),
    records.c.deleted.is_(False),
    shown_publicly(),
)
_WITHHELD = select(records.c.kind, records.c.id).where(
    records.c.kind == bindparam("kind"),
    records.c.id.in_(_IDS),
    records.c.deleted.is_(False),
    ~shown_publicly(),
)


def _by_kind(keys: Iterable[Key], size: int = 500) -> Iterator[dict[str, Any]]:
    """Parameters for the statements above: each kind's ids, 500 at a time."""
    ids: dict[str, list[str]] = {}
    for kind, record_id in sorted(set(keys)):
        ids.setdefault(kind, []).append(record_id)
    for kind, of_kind in ids.items():
        for start in range(0, len(of_kind), size):
            yield {"kind": kind, "ids": of_kind[start : start + size]}


def shown(connection: Connection, kind: str, record_id: str) -> StoredRecord | None:
    """A current record, if the projection shows it."""
    row = connection.execute(_ONE_SHOWN, {"kind": kind, "id": record_id}).first()
    return stored(row) if row else None


def shown_titles(connection: Connection, keys: Iterable[Key]) -> dict[Key, str]:
    """The stored titles of those of these records that the projection shows."""
    found: dict[Key, str] = {}
    for params in _by_kind(keys):
        rows = connection.execute(_TITLES, params)
        found.update({(row.kind, row.id): row.title for row in rows})
    return found


Through = tuple[str, tuple[str, ...]]
"""The records between a referrer and its target: (kind, fields by which they point at
the target). The responses to the measures against an actor are the responses pointing at
the shown measures that point at the actor by `target`."""


def _pairs(through: bool) -> Any:
    """(target, referrer id) for the targets `ids` of `kind`: each referrer of `from_kind`
    pointing at one by `paths`; or, `through` the shown records of `via_kind` pointing at
    it by `via_paths`, each referrer pointing at one of those."""
    direct = (refs.c.from_kind == bindparam("from_kind"), refs.c.field.in_(_PATHS))
    if not through:
        pairs = select(refs.c.to_id.label("target"), refs.c.from_id).where(
            refs.c.to_kind == bindparam("kind"), refs.c.to_id.in_(_IDS), *direct
        )
        return pairs.distinct().subquery()
    via, between = refs.alias("via"), records.alias("between")
    pairs = (
        select(via.c.to_id.label("target"), refs.c.from_id)
        .select_from(via)
        .join(between, and_(between.c.kind == via.c.from_kind, between.c.id == via.c.from_id))
        .join(refs, and_(refs.c.to_kind == via.c.from_kind, refs.c.to_id == via.c.from_id))
        .where(
            via.c.to_kind == bindparam("kind"),
            via.c.to_id.in_(_IDS),
            via.c.from_kind == bindparam("via_kind"),
            via.c.field.in_(bindparam("via_paths", expanding=True)),
            between.c.deleted.is_(False),
            shown_publicly(between),
            *direct,
        )
    )
    return pairs.distinct().subquery()


def _referrers_of_each(through: bool) -> Any:
    """Per target, its referrers ranked newest first and counted, in one statement."""
    pairs = _pairs(through)
    newest = func.coalesce(records.c.date, literal_column("''")).desc()
    by_target = {"partition_by": pairs.c.target}
    ranked = (
        select(
            pairs.c.target,
            records.c.id.label("from_id"),
            func.row_number().over(**by_target, order_by=(newest, records.c.id)).label("rank"),
            func.count().over(**by_target).label("total"),
        )
        .join_from(
            pairs,
            records,
            and_(records.c.kind == bindparam("from_kind"), records.c.id == pairs.c.from_id),
        )
        .where(records.c.deleted.is_(False), shown_publicly())
        .subquery()
    )
    return (
        current_rows(ranked.c.target, ranked.c.total)
        .join(
            ranked, and_(records.c.kind == bindparam("from_kind"), records.c.id == ranked.c.from_id)
        )
        .where(ranked.c.rank <= bindparam("limit"))
        .order_by(ranked.c.target, ranked.c.rank)
    )


_REFERRERS_OF_EACH = {through: _referrers_of_each(through) for through in (False, True)}


def shown_referrers_of_each(
    connection: Connection,
    kind: str,
    record_ids: list[str],
    from_kind: str,
    paths: tuple[str, ...],
    *,
    limit: int,
    through: Through | None = None,
) -> dict[str, tuple[list[StoredRecord], int]]:
    """For each of these records, the shown records of `from_kind` pointing at it (or, with
    `through`, at the records between) by these fields: newest first, at most `limit` of
    them, and how many there are in all. One query each 500 records: a static site reads
    ahead for the pages it is about to write. Records nothing points at are left out."""
    found: dict[str, tuple[list[StoredRecord], int]] = {}
    params: dict[str, Any] = {
        "kind": kind,
        "from_kind": from_kind,
        "paths": list(paths),
        "limit": limit,
    }
    if through is not None:
        params.update(via_kind=through[0], via_paths=list(through[1]))
    statement = _REFERRERS_OF_EACH[through is not None]
    for start in range(0, len(record_ids), 500):
        params["ids"] = record_ids[start : start + 500]
        for row in connection.execute(statement, params):
            rows, _ = found.setdefault(row.target, ([], row.total))
            rows.append(stored(row))
    return found


def shown_referrers(
    connection: Connection,
    kind: str,
    record_id: str,
    from_kind: str,
    paths: tuple[str, ...],
    *,
    limit: int,
    through: Through | None = None,
) -> tuple[list[StoredRecord], int]:
    """`shown_referrers_of_each` for one record."""
    found = shown_referrers_of_each(
        connection, kind, [record_id], from_kind, paths, limit=limit, through=through
    )
    return found.get(record_id, ([], 0))


def shown_many(connection: Connection, keys: list[Key]) -> list[StoredRecord]:
    """Those of these records that the projection shows."""
    found: list[StoredRecord] = []
    for params in _by_kind(keys):
        found.extend(stored(row) for row in connection.execute(_SHOWN, params))
    return found


def withheld_among(connection: Connection, keys: Iterable[Key]) -> set[Key]:
    """Those of these records that exist and that the projection withholds: a shown record
    loses its pointers to them (a pointer to no record at all is a soft one, and stays)."""
    found: set[Key] = set()
    for params in _by_kind(keys):
        found.update((row.kind, row.id) for row in connection.execute(_WITHHELD, params))
    return found


def last_change(connection: Connection) -> str | None:
    """When the public record last changed: the newest change to a record it shows or
    showed (a deleted one included); a change to a withheld record tells nobody anything."""
    return connection.execute(
        select(func.max(records.c.updated_at)).where(shown_publicly())
    ).scalar()


def shown_ids(connection: Connection, kind: str, size: int = 2000) -> Iterator[list[str]]:
    """The ids of a kind's shown records in id order, `size` at a time: a keyset page each,
    so the connection is free for other queries between them."""
    query = (
        select(records.c.id)
        .where(
            records.c.kind == kind,
            records.c.id > bindparam("after"),
            records.c.deleted.is_(False),
            shown_publicly(),
        )
        .order_by(records.c.id)
        .limit(size)
    )
    after = ""
    while ids := list(connection.execute(query, {"after": after}).scalars()):
        yield ids
        after = ids[-1]


def pointing_ids(
    connection: Connection, kind: str, record_ids: Iterable[str], from_kind: str, field_name: str
) -> set[str]:
    """Ids of the current records of `from_kind` pointing at any of these by one field,
    shown or not (the caller reads them through the projection): the countermeasures
    covering a few waves' measures, without reading every countermeasure."""
    wanted = sorted(set(record_ids))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        query = select(refs.c.from_id).where(
            refs.c.to_kind == kind,
            refs.c.to_id.in_(wanted[start : start + 500]),
            refs.c.from_kind == from_kind,
            refs.c.field == field_name,
        )
        found.update(connection.execute(query).scalars())
    return found
