"""List snapshots: a reading is recorded only against the snapshot it was compared with."""

from __future__ import annotations

import pytest

from coercionwatch.ingest import Incoming
from coercionwatch.model import InvalidInput, Location, load_record
from coercionwatch.model.lists import ListSnapshot
from coercionwatch.store import Store
from tests.helpers import actor


def _reading(day: str) -> ListSnapshot:
    return ListSnapshot("ofac-sdn", "ofac-csv", f"sdn-{day}.csv", day * 4, day, 1)


def _record(store: Store, day: str, compared_with: int | None) -> None:
    body = actor(f"listed-{day}")
    drafted = [Incoming(load_record(body.pop("kind"), body), Location("t"))]
    store.record_list_snapshot(
        _reading(day),
        [("1", "d" * 64)],
        {"d" * 64: "{}"},
        drafted,
        compared_with=compared_with,
        author="watcher",
    )


def test_a_reading_judged_against_an_older_snapshot_is_refused_whole(store: Store):
    _record(store, "2025-01-01", None)
    first = store.latest_list_snapshot("ofac-sdn")
    _record(store, "2025-02-01", first.id)  # judged against the latest: recorded
    second = store.latest_list_snapshot("ofac-sdn")
    with pytest.raises(InvalidInput, match="another reading of ofac-sdn was recorded"):
        _record(store, "2025-03-01", first.id)  # a concurrent watch saw only the first
    assert store.latest_list_snapshot("ofac-sdn").id == second.id
    assert [p.record_id for p in store.proposals()] == ["listed-2025-01-01", "listed-2025-02-01"]
