"""Sanctions list snapshots: what each reading of a list held, to compare the next one with.

A snapshot stores its members — (entry id, digest) pairs, compressed — and each entry body
is stored once under its digest. An unchanged entry costs nothing to record again, and a
list read every day does not grow the database by its full size each time.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import orjson
from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, Text, insert, select
from sqlalchemy.engine import Connection

from coercionwatch.model.lists import ListSnapshot
from coercionwatch.model.types import utc_timestamp

_metadata = MetaData()
list_snapshots = Table(
    "list_snapshots",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("list_name", String(100)),
    Column("format", String(32)),
    Column("source", Text),
    Column("sha256", String(64)),
    Column("published", String(10)),
    Column("taken_at", String(32)),
    Column("entries", Integer),
    Column("members", LargeBinary),
)
list_entry_bodies = Table(
    "list_entry_bodies",
    _metadata,
    Column("digest", String(64), primary_key=True),
    Column("body", Text),
)


@dataclass(frozen=True)
class SnapshotRow:
    id: int
    snapshot: ListSnapshot
    taken_at: str


def latest_snapshot(
    connection: Connection, list_name: str, sha256: str | None = None
) -> SnapshotRow | None:
    """The newest snapshot of a list, or the newest read from files with this digest."""
    query = select(*(c for c in list_snapshots.c if c.name != "members")).where(
        list_snapshots.c.list_name == list_name
    )
    if sha256 is not None:
        query = query.where(list_snapshots.c.sha256 == sha256)
    row = connection.execute(query.order_by(list_snapshots.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    snapshot = ListSnapshot(
        row.list_name, row.format, row.source, row.sha256, row.published, row.entries
    )
    return SnapshotRow(row.id, snapshot, row.taken_at)


def snapshot_members(connection: Connection, snapshot_id: int) -> dict[str, str]:
    """entry id → digest for every entry of a snapshot."""
    packed = connection.execute(
        select(list_snapshots.c.members).where(list_snapshots.c.id == snapshot_id)
    ).scalar_one()
    return dict(orjson.loads(zlib.decompress(packed)))


def entry_bodies(connection: Connection, digests: Iterable[str]) -> dict[str, str]:
    wanted = list(dict.fromkeys(digests))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        rows = connection.execute(
            select(list_entry_bodies).where(
                list_entry_bodies.c.digest.in_(wanted[start : start + 500])
            )
        )
        found.update((row.digest, row.body) for row in rows)
    return found


def save_snapshot(
    connection: Connection,
    snapshot: ListSnapshot,
    members: list[tuple[str, str]],
    bodies: dict[str, str],
) -> int:
    """Store a snapshot's members and any bodies not stored before; returns its id."""
    packed = zlib.compress(orjson.dumps(members), 1)
    snapshot_id = connection.execute(
        insert(list_snapshots)
        .values(
            list_name=snapshot.list_name,
            format=snapshot.format,
            source=snapshot.source,
            sha256=snapshot.sha256,
            published=snapshot.published,
            taken_at=utc_timestamp(),
            entries=snapshot.entries,
            members=packed,
        )
        .returning(list_snapshots.c.id)
    ).scalar_one()
    if bodies:
        known = set(entry_bodies(connection, bodies))
        fresh = [(digest, body) for digest, body in bodies.items() if digest not in known]
        if fresh:
            mark = "%s" if connection.dialect.name == "postgresql" else "?"
            connection.exec_driver_sql(
                f"INSERT INTO list_entry_bodies (digest, body) VALUES ({mark}, {mark})", fresh
            )
    return snapshot_id
