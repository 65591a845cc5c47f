"""Search results. The server searches its full-text index; the static site uses Pagefind."""

from __future__ import annotations

from typing import Any

from coercionwatch.publish.public import Snapshot
from coercionwatch.store import SearchHit

from .common import Page, title_of

MARK = "\x1f"
"""Put around each match in a snippet; splitting on it alternates plain text and matches."""


def search_page(snapshot: Snapshot, query: str | None, hits: list[SearchHit]) -> Page:
    shown: list[dict[str, Any]] = []
    for hit in hits:
        record = snapshot.get(hit.kind, hit.id)
        if record is None:  # not public: the index knows it, the public record does not
            continue
        shown.append(
            {
                "kind": hit.kind,
                "id": hit.id,
                "title": title_of(record, snapshot),
                "snippet": hit.snippet.replace(MARK, ""),
                "parts": hit.snippet.split(MARK),
            }
        )
    return Page("search.html", "Search", "search", {"query": query, "hits": shown})


def error_page(status: int, message: str) -> Page:
    titles = {404: "Not found", 422: "Not understood", 500: "Something went wrong"}
    return Page("error.html", titles.get(status, "Error"), "", {"message": message})
