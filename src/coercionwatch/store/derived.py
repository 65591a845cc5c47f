"""Recomputing every derived table from versions and journal, to compare with what is stored.

The current records, the references between them, the withheld flags, the search index and
the proposals are all consequences of the versions and the journal. A hand edit to any of
them could hide or publish a record without touching the history, so `verify` rebuilds each
one and names the first difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, select, text, tuple_
from sqlalchemy.engine import Connection

from coercionwatch.model import (
    Edge,
    Key,
    load_record,
    pointers,
    stored_body,
    withheld_set,
)

from .answers import answer_row
from .facets import Stated, derive_rows, shown_verdict
from .journal import CHANGES, DECISIONS, ChainFault
from .schema import answers, facets, journal, proposals, records, refs, versions
from .search import record_text

BATCH = 500


@dataclass(frozen=True)
class Change:
    """What the journal says a record's current state is."""

    version: int
    hash: str | None
    deleted: bool
    at: str


def journaled_state(
    connection: Connection,
) -> tuple[dict[Key, Change], dict[int, tuple[Any, ...]]]:
    """Current state per record, and the proposals table as the journal implies it."""
    current: dict[Key, Change] = {}
    expected: dict[int, tuple[Any, ...]] = {}
    by_version: dict[tuple[str, str, int], int] = {}
    query = select(
        journal.c.seq,
        journal.c.at,
        journal.c.action,
        journal.c.kind,
        journal.c.record_id,
        journal.c.version,
        journal.c.version_hash,
    ).order_by(journal.c.seq)
    for row in connection.execute(query):
        key = (row.kind, row.record_id)
        if row.action in CHANGES:
            current[key] = Change(row.version, row.version_hash, row.action == "delete", row.at)
        elif row.action == "propose":
            base = current[key].version if key in current else 0
            expected[row.seq] = (row.kind, row.record_id, row.version, base, "open", None)
            by_version[(row.kind, row.record_id, row.version)] = row.seq
        elif row.action in DECISIONS:
            seq = by_version.get((row.kind, row.record_id, row.version))
            if seq is not None:
                status = "accepted" if row.action == "accept" else "rejected"
                expected[seq] = (*expected[seq][:4], status, row.seq)
    return current, expected


def check_derived(connection: Connection) -> Iterator[ChainFault]:
    """Every difference between the derived tables and what versions and journal imply."""
    current, expected_proposals = journaled_state(connection)
    restricted: list[Key] = []
    edges: list[Edge] = []
    index: list[tuple[int, str, str, str, str]] = []
    stored_withheld: set[Key] = set()
    live: dict[int, Key] = {}
    rows = connection.execute(select(records).order_by(records.c.pk)).all()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        bodies = _bodies(connection, batch)
        stored_refs = _refs(connection, batch)
        stated: list[Stated] = []
        answering: dict[int, dict[str, Any]] = {}
        for row in batch:
            key = (row.kind, row.id)
            if row.withheld:
                stored_withheld.add(key)
            change = current.get(key)
            if change is None:
                continue  # the chain check reports a record with no journal entry
            yield from _compare_row(row, change)
            if row.deleted or change.deleted or key not in bodies:
                continue
            record = load_record(row.kind, bodies[key])
            live[row.pk] = key
            yield from _compare_columns(row, record)
            if record.visibility != "public":
                restricted.append(key)
            wanted = set(pointers(record))
            edges.extend((*key, path, to_kind, target) for path, to_kind, target in wanted)
            have = stored_refs.pop(key, set())
            for path, to_kind, target in sorted(wanted - have):
                yield _fault(key, f"refs is missing its pointer {path} → {to_kind} {target!r}")
            for path, to_kind, target in sorted(have - wanted):
                yield _fault(key, f"refs holds a pointer it lacks: {path} → {to_kind} {target!r}")
            index.append((row.pk, row.kind, row.id, record.heading(), record_text(record)))
            stated.append((row.pk, record, stored_body(record)))
            if (answer := answer_row(row.pk, record)) is not None:
                answering[row.pk] = answer
        yield from _compare_facets(connection, batch, stated)
        yield from _compare_answers(connection, batch, answering)
    yield from _orphan_refs(connection)
    yield from _facet_verdicts(connection)
    yield from _orphan_answers(connection)
    wanted_withheld = withheld_set(restricted, edges)
    for key in sorted(wanted_withheld - stored_withheld):
        yield _fault(key, "records.withheld is false, but the public projection withholds it")
    for key in sorted(stored_withheld - wanted_withheld):
        yield _fault(key, "records.withheld is true, but the public projection shows it")
    yield from check_search_index(connection, index, live)
    yield from _compare_proposals(connection, expected_proposals)


def _fault(key: Key, message: str) -> ChainFault:
    return ChainFault(None, key[0], key[1], message)


def _compare_row(row: Any, change: Change) -> Iterator[ChainFault]:
    key = (row.kind, row.id)
    if row.deleted != change.deleted:
        said = "deleted" if change.deleted else "current"
        yield _fault(key, f"records.deleted is {row.deleted}, but the journal has it {said}")
    if row.updated_at != change.at:
        yield _fault(key, f"records.updated_at is {row.updated_at}, the journal says {change.at}")


def _compare_columns(row: Any, record: Any) -> Iterator[ChainFault]:
    key = (row.kind, row.id)
    for column, value in (
        ("visibility", record.visibility),
        ("title", record.heading()),
        ("date", record.when()),
    ):
        if getattr(row, column) != value:
            yield _fault(
                key, f"records.{column} is {getattr(row, column)!r}, its version says {value!r}"
            )


def _compare_facets(
    connection: Connection,
    batch: list[Any],
    stated: list[Stated],
) -> Iterator[ChainFault]:
    """Each live record's facet rows and sort columns against what `model.facets` derives."""
    wanted_rows, columns = derive_rows(connection, stated)
    wanted: dict[int, set[tuple[str, str, str | None]]] = {}
    for pk, facet, value, _, points in wanted_rows:
        wanted.setdefault(pk, set()).add((facet, value, points))
    have: dict[int, set[tuple[str, str, str | None]]] = {}
    for row in connection.execute(
        select(facets).where(facets.c.record_pk.in_([pk for pk, *_ in stated]))
    ):
        have.setdefault(row.record_pk, set()).add((row.facet, row.value, row.points_to))
    by_pk = {row.pk: row for row in batch}
    for pk, *_ in stated:
        row = by_pk[pk]
        key = (row.kind, row.id)
        for facet, value, _ in sorted(wanted.get(pk, set()) - have.get(pk, set())):
            yield _fault(key, f"facets is missing {facet} = {value!r}")
        for facet, value, _ in sorted(have.get(pk, set()) - wanted.get(pk, set())):
            yield _fault(key, f"facets holds {facet} = {value!r}, which its version does not give")
        for column, value in columns[pk].items():
            if getattr(row, column) != value:
                yield _fault(
                    key, f"records.{column} is {getattr(row, column)!r}, its facets say {value!r}"
                )


def _compare_answers(
    connection: Connection, batch: list[Any], wanted: dict[int, dict[str, Any]]
) -> Iterator[ChainFault]:
    """The answers table's rows for this batch of records against their responses' bodies:
    a live response has its row, as its version gives it; no other record has one."""
    have = {
        row.record_pk: row._asdict()
        for row in connection.execute(
            select(answers).where(answers.c.record_pk.in_([row.pk for row in batch]))
        )
    }
    for row in batch:
        key = (row.kind, row.id)
        stored, derived = have.get(row.pk), wanted.get(row.pk)
        if stored is None and derived is not None:
            yield _fault(key, "the answers table has no row for this response")
        elif stored is not None and derived is None:
            yield _fault(key, "the answers table holds a row for a record that is no live response")
        elif stored is not None and derived is not None:
            for column, value in derived.items():
                if stored[column] != value:
                    yield _fault(
                        key, f"answers.{column} is {stored[column]!r}, its version says {value!r}"
                    )


def _orphan_answers(connection: Connection) -> Iterator[ChainFault]:
    """Rows of the answers table for a record that does not exist."""
    orphans = connection.execute(
        select(answers.c.record_pk)
        .where(answers.c.record_pk.not_in(select(records.c.pk)))
        .order_by(answers.c.record_pk)
        .limit(20)
    ).scalars()
    for pk in orphans:
        yield ChainFault(None, None, None, f"the answers table holds a row of record {pk}")


def _facet_verdicts(connection: Connection) -> Iterator[ChainFault]:
    """Facet rows of no live record, and rows whose `shown` is not the projection's verdict
    (records.withheld, which this verdict reads, is checked against the projection above)."""
    live = select(records.c.pk).where(records.c.deleted.is_(False))
    orphans = connection.execute(
        select(facets.c.record_pk).where(facets.c.record_pk.not_in(live)).distinct().limit(20)
    ).scalars()
    for pk in orphans:
        yield ChainFault(None, None, None, f"the facet table holds rows of record {pk}, not live")
    wrong = connection.execute(
        select(records.c.kind, records.c.id, facets.c.facet, facets.c.value, facets.c.shown)
        .join(records, records.c.pk == facets.c.record_pk)
        .where(facets.c.shown != shown_verdict())
        .order_by(records.c.kind, records.c.id)
        .limit(20)
    )
    for row in wrong:
        yield _fault(
            (row.kind, row.id),
            f"facets.shown is {row.shown} for {row.facet} = {row.value!r}, "
            "but the public projection says otherwise",
        )


def _bodies(connection: Connection, batch: list[Any]) -> dict[Key, dict[str, Any]]:
    wanted = [(r.kind, r.id, r.version) for r in batch if not r.deleted]
    if not wanted:
        return {}
    rows = connection.execute(
        select(versions.c.kind, versions.c.id, versions.c.body).where(
            tuple_(versions.c.kind, versions.c.id, versions.c.version).in_(wanted)
        )
    )
    return {(r.kind, r.id): orjson.loads(r.body) for r in rows}


def _refs(connection: Connection, batch: list[Any]) -> dict[Key, set[tuple[str, str, str]]]:
    keys = [(r.kind, r.id) for r in batch]
    rows = connection.execute(
        select(refs).where(tuple_(refs.c.from_kind, refs.c.from_id).in_(keys))
    )
    found: dict[Key, set[tuple[str, str, str]]] = {}
    for r in rows:
        found.setdefault((r.from_kind, r.from_id), set()).add((r.field, r.to_kind, r.to_id))
    return found


def _orphan_refs(connection: Connection) -> Iterator[ChainFault]:
    """Pointers held for records that are deleted or do not exist."""
    rows = connection.execute(
        select(refs.c.from_kind, refs.c.from_id, refs.c.field)
        .outerjoin(
            records, and_(records.c.kind == refs.c.from_kind, records.c.id == refs.c.from_id)
        )
        .where((records.c.pk.is_(None)) | records.c.deleted.is_(True))
        .order_by(refs.c.from_kind, refs.c.from_id)
    )
    for row in rows:
        yield _fault(
            (row.from_kind, row.from_id), f"refs holds a pointer ({row.field}) from no live record"
        )


def check_search_index(
    connection: Connection,
    expected: list[tuple[int, str, str, str, str]],
    live: dict[int, Key],
) -> Iterator[ChainFault]:
    """The index must hold exactly each live record's heading and text, under its key."""
    if connection.dialect.name == "postgresql":
        yield from _postgres_index(connection, expected)
    else:
        yield from _sqlite_index(connection, expected, live)


def _postgres_index(
    connection: Connection, expected: list[tuple[int, str, str, str, str]]
) -> Iterator[ChainFault]:
    stored = {
        row.record_pk: (row.title, row.body)
        for row in connection.execute(text("SELECT record_pk, title, body FROM search_index"))
    }
    for pk, kind, record_id, title, body in expected:
        found = stored.pop(pk, None)
        if found is None:
            yield _fault((kind, record_id), "the search index has no entry for it")
        elif found != (title, body):
            yield _fault((kind, record_id), "its search index entry is not its current text")
    for pk in sorted(stored):
        yield ChainFault(None, None, None, f"the search index holds entry {pk} of no live record")


def _sqlite_index(
    connection: Connection,
    expected: list[tuple[int, str, str, str, str]],
    live: dict[int, Key],
) -> Iterator[ChainFault]:
    """The index is contentless, so it cannot be read back; instead the expected entries are
    indexed afresh, with the same definition, and the two indexes compared token by token."""
    definition = connection.execute(
        text("SELECT sql FROM sqlite_master WHERE name = 'search_index'")
    ).scalar_one()
    fresh = definition.replace("search_index", "temp.cw_expected_index", 1)
    statements = (
        fresh,
        "CREATE VIRTUAL TABLE temp.cw_stored_terms"
        " USING fts5vocab('main', 'search_index', 'instance')",
        "CREATE VIRTUAL TABLE temp.cw_expected_terms"
        " USING fts5vocab('temp', 'cw_expected_index', 'instance')",
    )
    try:
        for statement in statements:
            connection.exec_driver_sql(statement)
        if expected:
            connection.exec_driver_sql(
                "INSERT INTO temp.cw_expected_index (rowid, title, body) VALUES (?, ?, ?)",
                [(pk, title, body) for pk, _, _, title, body in expected],
            )
        differing = connection.exec_driver_sql(
            "SELECT doc FROM (SELECT doc, col, term, offset FROM temp.cw_stored_terms"
            " EXCEPT SELECT doc, col, term, offset FROM temp.cw_expected_terms)"
            " UNION SELECT doc FROM (SELECT doc, col, term, offset FROM temp.cw_expected_terms"
            " EXCEPT SELECT doc, col, term, offset FROM temp.cw_stored_terms)"
            " ORDER BY doc LIMIT 20"
        ).scalars()
        for pk in differing:
            key = live.get(pk)
            if key is None:
                yield ChainFault(
                    None, None, None, f"the search index holds entry {pk} of no live record"
                )
            else:
                yield _fault(key, "its search index entry is not its current text")
    finally:
        for table in ("cw_expected_terms", "cw_stored_terms", "cw_expected_index"):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{table}")


def _compare_proposals(
    connection: Connection, expected: dict[int, tuple[Any, ...]]
) -> Iterator[ChainFault]:
    columns = ("kind", "record_id", "version", "base_version", "status", "decided_seq")
    stored = {
        row.seq: tuple(getattr(row, c) for c in columns)
        for row in connection.execute(select(proposals))
    }
    for seq in sorted(expected.keys() | stored.keys()):
        want, have = expected.get(seq), stored.get(seq)
        if want == have:
            continue
        kind, record_id = (want or have)[:2]  # type: ignore[index]
        if have is None:
            message = f"proposal {seq} is missing from the proposals table"
        elif want is None:
            message = f"the proposals table holds {seq}, which the journal never proposed"
        else:
            wrong = [c for c, w, h in zip(columns, want, have, strict=True) if w != h]
            message = f"proposal {seq} differs from its journal entries in {', '.join(wrong)}"
        yield ChainFault(seq, kind, record_id, message)
