"""The data page: downloads of every kind, and where the feed is."""

from __future__ import annotations

from coercionwatch.publish.public import Snapshot

from .common import Page


def data_page(snapshot: Snapshot) -> Page:
    counts = {kind: len(records) for kind, records in snapshot.records.items()}
    return Page("data.html", "Data", "data", {"counts": counts})
