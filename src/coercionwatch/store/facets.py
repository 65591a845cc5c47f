"""Keeping the facet table and the sort columns equal to what `model.facets` derives.

Written in the same transaction as the version they come from. A facet read through an
actor (a measure's target's country) is rewritten when that actor changes, and each row's
`shown` follows the projection's verdict on its record and on the record it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson
from sqlalchemy import and_, bindparam, delete, exists, select, tuple_
from sqlalchemy.engine import Connection

from coercionwatch.model import KINDS, Key, Record, load_record, stored_body
from coercionwatch.model.facets import (
    FacetValue,
    column_values,
    facet_values,
    readable_name,
    sort_name,
    via_fields,
)

from .schema import facets, keyed, records, refs, stored_version, versions

CHUNK = 500

FacetRow = tuple[int, str, str, str, str | None]
"""(record pk, facet, value, kind, points_to): a row of the facet table, less `shown`."""

Stated = tuple[int, Record, dict[str, Any]]
"""(record pk, record, its body as stored): what facets and sort columns are derived from."""


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def related_bodies(connection: Connection, keys: Iterable[Key]) -> dict[Key, dict[str, Any]]:
    """Current bodies of the records that `via` facets read, as the model states them."""
    wanted = sorted(set(keys))
    found: dict[Key, dict[str, Any]] = {}
    for chunk in _chunks(wanted):
        rows = connection.execute(
            select(records.c.kind, records.c.id, versions.c.body)
            .join(
                versions, stored_version(versions, records.c.kind, records.c.id, records.c.version)
            )
            .where(records.c.deleted.is_(False), keyed(records, chunk))
        )
        for row in rows:
            found[(row.kind, row.id)] = stored_body(load_record(row.kind, orjson.loads(row.body)))
    return found


def _via_keys(kind: str, body: Mapping[str, Any]) -> dict[str, Key]:
    pointed = KINDS[kind].references
    return {
        field: (pointed[field], body[field])
        for field in via_fields(kind)
        if isinstance(body.get(field), str)
    }


def derive_rows(
    connection: Connection, stated: list[Stated]
) -> tuple[list[FacetRow], dict[int, dict[str, str]]]:
    """Facet rows and sort columns of these records. The name a list sorts by reads the
    same actors as the `via` facets (a measure's target), so it follows them too."""
    wanted = {key for _, r, body in stated for key in _via_keys(r.kind, body).values()}
    bodies = related_bodies(connection, wanted)
    rows: list[FacetRow] = []
    columns: dict[int, dict[str, str]] = {}
    for pk, record, body in stated:
        kind = record.kind
        related = {f: bodies[key] for f, key in _via_keys(kind, body).items() if key in bodies}
        values: list[FacetValue] = list(facet_values(kind, body, record.when(), related))
        rows.extend((pk, name, value, kind, points) for name, value, points in values)
        columns[pk] = {
            **column_values(kind, values),
            "sort_name": sort_name(readable_name(record, related)),
        }
    return rows, columns


def write_facets(connection: Connection, written: list[tuple[int, Record, dict[str, Any]]]) -> None:
    """Replace the facet rows and sort columns of records just written, as (pk, record,
    stated body); then those of records whose facets read an actor among them."""
    if not written:
        return
    _replace(connection, written)
    actors = [(r.kind, r.id) for _, r, _ in written if r.kind == "actor"]
    if actors:
        done = {pk for pk, _, _ in written}
        _replace(connection, [s for s in _readers_of(connection, actors) if s[0] not in done])
    sync_shown(
        connection, pks=[pk for pk, _, _ in written], keys=[(r.kind, r.id) for _, r, _ in written]
    )


def _replace(connection: Connection, stated: list[Stated]) -> None:
    if not stated:
        return
    rows, columns = derive_rows(connection, stated)
    pks = [pk for pk, *_ in stated]
    for chunk in _chunks(pks):
        connection.execute(delete(facets).where(facets.c.record_pk.in_(chunk)))
    if rows:
        connection.execute(
            facets.insert(),
            [
                {"record_pk": pk, "facet": f, "value": v, "kind": k, "points_to": p, "shown": False}
                for pk, f, v, k, p in rows
            ],
        )
    connection.execute(
        records.update()
        .where(records.c.pk == bindparam("pk_"))
        .values(type=bindparam("type_"), status=bindparam("status_"), sort_name=bindparam("name_")),
        [
            {"pk_": pk, "type_": c["type"], "status_": c["status"], "name_": c["sort_name"]}
            for pk, c in columns.items()
        ],
    )
    sync_shown(connection, pks=pks, keys=[])


def _readers_of(connection: Connection, actors: list[Key]) -> list[Stated]:
    """Records whose `via` facets (and sort names) read one of these actors."""
    paths = sorted({(kind, field) for kind in KINDS for field in via_fields(kind)})
    if not paths:
        return []
    found = []
    for chunk in _chunks(actors):
        rows = connection.execute(
            select(records.c.pk, records.c.kind, versions.c.body)
            .join(refs, and_(refs.c.from_kind == records.c.kind, refs.c.from_id == records.c.id))
            .join(
                versions, stored_version(versions, records.c.kind, records.c.id, records.c.version)
            )
            .where(
                records.c.deleted.is_(False),
                tuple_(refs.c.to_kind, refs.c.to_id).in_(chunk),
                tuple_(refs.c.from_kind, refs.c.field).in_(paths),
            )
            .distinct()
        )
        for row in rows:
            record = load_record(row.kind, orjson.loads(row.body))
            found.append((row.pk, record, stored_body(record)))
    return found


def _shown(table: Any) -> Any:
    return and_(
        table.c.visibility == "public", table.c.withheld.is_(False), table.c.deleted.is_(False)
    )


def shown_verdict() -> Any:
    """The projection's verdict on a facet row, as a condition on it: its record is shown,
    and so is the record its value names, if it names one."""
    owner = records.alias("owner")
    named = records.alias("named")
    return and_(
        exists().where(owner.c.pk == facets.c.record_pk, _shown(owner)),
        facets.c.points_to.is_(None)
        | exists().where(
            named.c.kind == facets.c.points_to, named.c.id == facets.c.value, _shown(named)
        ),
    )


def sync_shown(connection: Connection, *, pks: list[int], keys: list[Key]) -> None:
    """Set `shown` on the rows of the records `pks`, and on the rows of the records `keys`
    and the rows naming them."""
    verdict = shown_verdict()
    for chunk in _chunks(sorted(set(pks))):
        connection.execute(
            facets.update().where(facets.c.record_pk.in_(chunk)).values(shown=verdict)
        )
    for chunk in _chunks(sorted(set(keys))):
        own = select(records.c.pk).where(keyed(records, chunk))
        connection.execute(facets.update().where(facets.c.record_pk.in_(own)).values(shown=verdict))
        ids: dict[str, list[str]] = {}
        for kind, record_id in chunk:
            ids.setdefault(kind, []).append(record_id)
        for kind, named in ids.items():  # one statement a kind, each a range of ix_facets_named
            connection.execute(
                facets.update()
                .where(facets.c.points_to == kind, facets.c.value.in_(named))
                .values(shown=verdict)
            )


def forget_facets(connection: Connection, pk: int) -> None:
    """A deleted record has no facets."""
    connection.execute(delete(facets).where(facets.c.record_pk == pk))
    connection.execute(
        records.update().where(records.c.pk == pk).values(type="", status="", sort_name="")
    )


def rebuild_facets(connection: Connection) -> None:
    """Every facet row and sort column afresh: for the migration that adds them."""
    connection.execute(delete(facets))
    query = (
        select(records.c.pk, records.c.kind, versions.c.body)
        .join(versions, stored_version(versions, records.c.kind, records.c.id, records.c.version))
        .where(records.c.deleted.is_(False))
        .order_by(records.c.pk)
    )
    batch: list[Stated] = []
    for row in connection.execute(query).all():
        record = load_record(row.kind, orjson.loads(row.body))
        batch.append((row.pk, record, stored_body(record)))
        if len(batch) == CHUNK:
            _replace(connection, batch)
            batch = []
    _replace(connection, batch)
