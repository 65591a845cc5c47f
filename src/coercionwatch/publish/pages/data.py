"""The data page: the licence, when the record last changed, and its downloads."""

from __future__ import annotations

from coercionwatch.model import KINDS
from coercionwatch.publish.datapackage import LICENSE
from coercionwatch.publish.view import PublicView
from coercionwatch.store import listing

from .common import Page

EVERYTHING = "data/records.jsonl"
"""Every public record of every kind, one per line: one download that re-imports as it is."""


def data_page(view: PublicView) -> Page:
    counts = listing.counts_by_kind(view.connection)
    data = {
        "counts": {kind: counts.get(kind, 0) for kind in KINDS},
        "licence": LICENSE,
        "lastChange": view.last_change(),
        "everything": EVERYTHING,
    }
    return Page("data.html", "Data", "data", data)
