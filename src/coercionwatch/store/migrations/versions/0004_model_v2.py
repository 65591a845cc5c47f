"""Model v2: every current record stored in the v2 form, and its pointers under v2 names.

The model reads version-1 bodies (`model.upgrade`), so history stays readable as written.
This migration writes each current record whose stored form changes under v2 as a new
version, journaled by `coercionwatch` with the reason below, so exports, pages and the
record's latest version agree. A record with an open proposal is left at its version (a new
one would make the proposal stale); it reads as v2 all the same. The pointers table is
rebuilt for every record, since v2 names some pointers by their path (`answers.measure`),
and so is the search index, since v2 indexes the text inside nested parts (a breach's note)
and leaves out only the ids.

Revision ID: 0004
Revises: 0003
"""

import orjson
from alembic import op
from sqlalchemy import select

from coercionwatch.ingest import Incoming
from coercionwatch.model import Location, canonical_json, load_record, pointers, stored_body
from coercionwatch.store.migrations.answers import add_answers_schema
from coercionwatch.store.migrations.counts import add_counts_schema
from coercionwatch.store.migrations.listing import add_listing_schema
from coercionwatch.store.migrations.log import add_log_schema
from coercionwatch.store.schema import proposals, records, refs, stored_version, versions
from coercionwatch.store.search import rebuild_index, record_text
from coercionwatch.store.withheld import refresh_withheld
from coercionwatch.store.writer import BATCH_SIZE, ImportSummary, JournalWriter, write_batch

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

REASON = "model v2: the record restated in the v2 form (migration 0004)"


def upgrade() -> None:
    add_listing_schema()  # the writer used below writes facets
    add_log_schema()  # and appends leaves to the log
    add_answers_schema()  # and keeps the answers table
    add_counts_schema()  # and drops counted waves
    connection = op.get_bind()
    waiting = {
        (row.kind, row.record_id)
        for row in connection.execute(
            select(proposals.c.kind, proposals.c.record_id).where(proposals.c.status == "open")
        )
    }
    current = connection.execute(
        select(records.c.pk, records.c.kind, records.c.id, versions.c.body)
        .join(versions, stored_version(versions, records.c.kind, records.c.id, records.c.version))
        .where(records.c.deleted.is_(False))
        .order_by(records.c.pk)
    ).all()
    writer = JournalWriter(connection, "coercionwatch", REASON)
    summary = ImportSummary()
    restated, edges, index = [], set(), []
    for row in current:
        record = load_record(row.kind, orjson.loads(row.body))
        index.append((row.pk, record.heading(), record_text(record)))
        edges.update((row.kind, row.id, *pointer) for pointer in pointers(record))
        if (row.kind, row.id) in waiting or canonical_json(
            stored_body(record)
        ) == row.body.encode():
            continue
        restated.append(Incoming(record, Location(f"{row.kind}/{row.id}")))
        if len(restated) == BATCH_SIZE:
            write_batch(connection, writer, restated, summary)
            restated = []
    if restated:
        write_batch(connection, writer, restated, summary)
    connection.execute(refs.delete())
    if edges:
        connection.execute(
            refs.insert(),
            [
                {"from_kind": a, "from_id": b, "field": c, "to_kind": d, "to_id": e}
                for a, b, c, d, e in sorted(edges)
            ],
        )
    rebuild_index(connection, index)
    refresh_withheld(connection)


def downgrade() -> None:
    raise NotImplementedError("model v2 cannot be undone: restore a backup taken before it")
