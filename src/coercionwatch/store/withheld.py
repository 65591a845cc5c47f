"""Keeping `records.withheld` equal to the public projection's withheld set.

Recomputed from the visibility of current records and the required pointers between them
at the end of every writing transaction, so a record that starts or stops needing a
restricted one changes with it, however far away the change was made.
"""

from __future__ import annotations

from sqlalchemy import select, tuple_, update
from sqlalchemy.engine import Connection

from coercionwatch.model import Key, required_references, withheld_set

from .counts import forget_counts
from .facets import sync_shown
from .schema import records, refs


def compute_withheld(connection: Connection) -> set[Key]:
    restricted = connection.execute(
        select(records.c.kind, records.c.id).where(
            records.c.deleted.is_(False), records.c.visibility != "public"
        )
    )
    required = sorted(required_references())
    edges = connection.execute(
        select(refs.c.from_kind, refs.c.from_id, refs.c.field, refs.c.to_kind, refs.c.to_id).where(
            tuple_(refs.c.from_kind, refs.c.field).in_(required)
        )
    )
    return withheld_set(
        (tuple(row) for row in restricted),  # type: ignore[misc]
        (tuple(row) for row in edges),  # type: ignore[misc]
    )


def stored_withheld(connection: Connection) -> set[Key]:
    rows = connection.execute(
        select(records.c.kind, records.c.id).where(records.c.withheld.is_(True))
    )
    return {(row.kind, row.id) for row in rows}


def refresh_withheld(connection: Connection) -> None:
    """Set the flag where the projection now withholds, clear it where it no longer does,
    and the facet rows of those records and of the records naming them with it; a change
    drops every counted wave."""
    wanted = compute_withheld(connection)
    stored = stored_withheld(connection)
    for keys, value in ((wanted - stored, True), (stored - wanted, False)):
        ordered = sorted(keys)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            connection.execute(
                update(records)
                .where(tuple_(records.c.kind, records.c.id).in_(chunk))
                .values(withheld=value)
            )
    sync_shown(connection, pks=[], keys=sorted(wanted ^ stored))
    if wanted != stored:
        forget_counts(connection, None)  # what the public projection counts has changed
