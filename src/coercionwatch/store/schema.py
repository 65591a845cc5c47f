"""Tables of the store. The Alembic migrations create them; queries use these objects."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    or_,
)

metadata = MetaData()

records = Table(
    "records",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("title", Text, nullable=False),
    Column("date", String(10)),
    Column("updated_at", String(32), nullable=False),
    Column("withheld", Boolean, nullable=False, default=False),
    Column("type", String(64), nullable=False, server_default=""),
    Column("status", String(64), nullable=False, server_default=""),
    Column("sort_name", Text, nullable=False, server_default=""),
    UniqueConstraint("kind", "id", name="uq_records_kind_id"),
)
"""The current version of each record: a pointer into `versions` plus what lists sort by.
`withheld` is the public projection's verdict (`model.withheld_set`): restricted, or
unshowable without something that is. `type` and `status` are the facet values that
`model/facets.yaml` writes to them ('' where a kind has none). `sort_name` is the name a
reader sees on the record's card (`model.facets.readable_name`: a measure's by its target's
name, not its id), folded for sorting. The listing indexes (migrations 0005 and 0011) lead
with the projection's columns, so a public list is one index range."""

facets = Table(
    "facets",
    metadata,
    Column("record_pk", Integer, primary_key=True),
    Column("facet", String(32), primary_key=True),
    Column("value", String(200), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("points_to", String(32)),
    Column("shown", Boolean, nullable=False),
    Index("ix_facets_count", "kind", "facet", "shown", "value", "record_pk"),
    Index("ix_facets_named", "points_to", "value"),
)
"""Each current record's facet values (`model.facets`), one row each, for filters and
counts. `shown` is the projection's verdict on the row: its record is shown publicly and,
where the value names a record (`points_to`), that record is shown too, so no count or
filter choice reveals the id of a withheld record."""

answers = Table(
    "answers",
    metadata,
    Column("record_pk", Integer, primary_key=True),
    Column("measures", Text, nullable=False),
    Column("speakers", Text, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("forum", String(64), nullable=False),
    Column("channel", String(64), nullable=False),
    Column("member_count", Integer),
)
"""Each current response as coverage counts it, one row a response, from its own body: the
measures it answers and everyone it names as speaking (its actor and members), each joined
by spaces (record ids have none), sorted. Coverage reads it in one scan where the facet
table would take four index look-ups a response; the projection's verdict on what it names
is applied when it is read (`store.coverage`), as it changes without the response changing."""

coverage_counts = Table(
    "coverage_counts",
    metadata,
    Column("projection", String(8), primary_key=True),
    Column("wave", Text, primary_key=True),
    Column("measures", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("body", Text, nullable=False),
)
"""Each wave's counted answers (`analysis.coverage`: what a wave's figures are before a
window is applied), one JSON body per projection (`public`, `all`) and wave, so that the
report for every wave reads 161 rows rather than 100,000 answers. `measures` are the wave's
measure ids the body was counted from, joined by spaces; `digest` that of what the counts
depend on outside the database (vocabularies, the states table, the checklist, the body's
format): a row of another digest, or of other measures, is not read. Writes drop the rows
they may change in their own transaction (`store.counts`); `verify` recounts every row."""

versions = Table(
    "versions",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("id", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("hash", String(64), nullable=False),
    Column("body", Text, nullable=False),
)
"""Every version ever written, as canonical JSON; never updated, never deleted."""

journal = Table(
    "journal",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("author", String(200), nullable=False),
    Column("action", String(8), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("version_hash", String(64)),
    Column("reason", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Index("ix_journal_record", "kind", "record_id"),
)
"""The append-only, hash-chained log of every create, update and delete."""

log_leaves = Table(
    "log_leaves",
    metadata,
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("seq", BigInteger),
    Index("ix_log_leaves_seq", "seq"),
)
"""The transparency log's leaves, in order: a journal entry's hash, a capture's or a
snapshot manifest's digest. Hashes only, never content or ids (`store/log.py`)."""

log_nodes = Table(
    "log_nodes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary, nullable=False),
    Column("size", BigInteger, nullable=False),
    Index("ix_log_nodes_size", "size", "level"),
)
"""Every complete node of the log's tree, with the tree size that completed it."""

log_checkpoints = Table(
    "log_checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", LargeBinary, nullable=False),
    Column("note", Text, nullable=False),
    Column("signed_at", String(32), nullable=False),
)
"""Every checkpoint signed: the tree must always extend the latest (`verify`)."""

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(200), nullable=False),
    Column("added_at", String(32), nullable=False),
)
"""Every file kept in the archive, by the SHA-256 of its bytes: the hash every copy must
match, whichever mirror holds it."""

blob_copies = Table(
    "blob_copies",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("mirror", String(500), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("checked_at", String(32), nullable=False),
    Column("detail", Text),
    Index("ix_blob_copies_state", "mirror", "state"),
)
"""What each mirror was last seen to hold of each blob: `present`, `missing` (never written,
or gone) or `bad` (bytes that do not match the hash)."""

refs = Table(
    "refs",
    metadata,
    Column("from_kind", String(32), primary_key=True),
    Column("from_id", String(200), primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("to_kind", String(32), primary_key=True),
    Column("to_id", String(200), primary_key=True),
    Index("ix_refs_target", "to_kind", "to_id"),
)
"""Which current record points at which: for integrity checks and 'what points here'."""

proposals = Table(
    "proposals",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("base_version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_seq", Integer),
    Index("ix_proposals_status", "status", "seq"),
    Index("ix_proposals_record", "kind", "record_id", "version"),
)
"""Versions proposed but not current, keyed by the journal entry that proposed them.
`base_version` is the record's current version when proposed (0: it did not exist)."""


def stored_version(table: Any, kind: Any, record_id: Any, version: Any) -> Any:
    """The join condition from a (kind, id, version) triple to its row in `versions`
    (or in an alias of it)."""
    return and_(table.c.kind == kind, table.c.id == record_id, table.c.version == version)


def keyed(table: Any, keys: Any) -> Any:
    """`(kind, id) IN keys` written as `kind = ? AND id IN (…)` for each kind: SQLite seeks
    its (kind, id) index for that form, where a row-value list makes it scan the table."""
    by_kind: dict[str, list[str]] = {}
    for kind, record_id in keys:
        by_kind.setdefault(kind, []).append(record_id)
    if not by_kind:
        return false()
    return or_(*(and_(table.c.kind == k, table.c.id.in_(ids)) for k, ids in by_kind.items()))
