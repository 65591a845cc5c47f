"""The public record: every public output reads its records from here.

A snapshot holds the projected public records (see `model.public_view`) and is rebuilt
whenever the journal moves, so pages, API answers, feeds and the static site all see the
same public view and nothing else.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from coercionwatch.model import KINDS, Incident, Record, UpdateNote, pointers, public_view
from coercionwatch.store import Store

Key = tuple[str, str]


@dataclass
class Snapshot:
    head: int
    records: dict[str, dict[str, Record]]
    updates: dict[str, list[UpdateNote]]
    referrers: dict[Key, list[tuple[str, str, str]]] = field(default_factory=dict)
    rendered: dict[Key, bytes] = field(default_factory=dict)
    """Serialised records, memoised: a snapshot never changes, so neither do they."""

    def __post_init__(self) -> None:
        for kind in self.records:
            for record in self.records[kind].values():
                for path, target_kind, target in pointers(record):
                    entry = (record.kind, record.id, path)
                    self.referrers.setdefault((target_kind, target), []).append(entry)

    def get(self, kind: str, record_id: str) -> Record | None:
        return self.records.get(kind, {}).get(record_id)

    def of(self, kind: str) -> list[Record]:
        """Newest first by the record's own date, undated last, then by id."""
        return newest_first(self.records.get(kind, {}).values())

    def name(self, kind: str, record_id: str) -> str:
        record = self.get(kind, record_id)
        return record.heading() if record else record_id

    def pointing_at(self, kind: str, record_id: str, from_kind: str, path: str) -> list[Record]:
        found = [
            self.records[k][i]
            for k, i, p in self.referrers.get((kind, record_id), [])
            if k == from_kind and p == path
        ]
        return newest_first(found)

    def incident_updates(self, incident: Incident) -> list[UpdateNote]:
        return self.updates.get(incident.id, [])


def newest_first(records: Iterable[Record]) -> list[Record]:
    """By the record's own date, newest first and undated last; ties by id."""
    by_id = sorted(records, key=lambda r: r.id)
    return sorted(by_id, key=lambda r: r.when() or "", reverse=True)  # stable: ids stay sorted


def load_snapshot(store: Store, kinds: Iterable[str] = KINDS) -> Snapshot:
    head = store.journal_head()
    withheld = store.withheld_keys()
    records = {
        kind: {
            r.id: r
            for r in public_view(
                (s.record for s in store.records(kind, public_only=True)), withheld
            )
        }
        for kind in kinds
    }
    return Snapshot(head, records, store.update_logs("incident"))


class PublicRecord:
    """The current public snapshot of a store, reloaded when the journal moves."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def current(self) -> Snapshot:
        head = self.store.journal_head()
        snapshot = self._snapshot
        if snapshot is not None and snapshot.head == head:
            return snapshot
        with self._lock:
            if self._snapshot is None or self._snapshot.head != head:
                self._snapshot = load_snapshot(self.store)
            return self._snapshot
