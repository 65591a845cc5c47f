"""Optimistic concurrency: a write that names the versions it was based on, checked under the
write lock, is refused when someone else changed those records in the meantime."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.engine import Connection

from .schema import records

ABSENT = 0
"""The version of a record that does not exist (never created, or deleted)."""


@dataclass(frozen=True)
class Conflict:
    kind: str
    record_id: str
    expected: int
    found: int

    def __str__(self) -> str:
        record = f"{self.kind} {self.record_id!r}"
        expected = "not to exist" if self.expected == ABSENT else f"at version {self.expected}"
        found = "does not exist" if self.found == ABSENT else f"is at version {self.found}"
        return f"{record}: expected {expected}, but it {found}"


@dataclass
class VersionConflict(Exception):
    """Records changed since the version a write was based on; nothing has been written."""

    conflicts: list[Conflict]

    def __str__(self) -> str:
        return "\n".join(str(c) for c in self.conflicts)


def live_versions(
    connection: Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """The current version of each of these records that exists and is not deleted."""
    wanted = list(keys)
    if not wanted:
        return {}
    rows = connection.execute(
        select(records.c.kind, records.c.id, records.c.version).where(
            tuple_(records.c.kind, records.c.id).in_(wanted), records.c.deleted.is_(False)
        )
    )
    return {(row.kind, row.id): row.version for row in rows}


def check_versions(connection: Connection, expected: Mapping[tuple[str, str], int]) -> None:
    """Raise VersionConflict unless every record is at its expected version (0: absent).

    Only meaningful under the write lock, where no one else can change them before commit.
    """
    found = live_versions(connection, expected)
    conflicts = [
        Conflict(kind, record_id, version, found.get((kind, record_id), ABSENT))
        for (kind, record_id), version in expected.items()
        if found.get((kind, record_id), ABSENT) != version
    ]
    if conflicts:
        raise VersionConflict(conflicts)
