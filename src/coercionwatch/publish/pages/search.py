"""Search results, a page at a time, with how many matches each kind holds. The server
searches its full-text index; the static site uses Pagefind."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from coercionwatch.publish.view import PublicView
from coercionwatch.store import search

from .common import KIND_TITLES, Page

MARK = "\x1f"
"""Put around each match in a snippet; splitting on it alternates plain text and matches."""

PER_PAGE = 20


def search_page(
    view: PublicView, query: str | None, kind: str | None = None, number: int = 1
) -> Page:
    """`number` is the page of results, from 1."""
    shown: list[dict[str, Any]] = []
    by_kind: dict[str, int] = {}
    if query:
        by_kind = search.count_by_kind(view.connection, query, public_only=True)
        hits = search.search(
            view.connection,
            query,
            kind=kind,
            public_only=True,
            limit=PER_PAGE,
            offset=(number - 1) * PER_PAGE,
            marks=(MARK, MARK),
        )
        view.learn_titles((hit.kind, hit.id) for hit in hits)
        for hit in hits:
            shown.append(
                {
                    "kind": hit.kind,
                    "id": hit.id,
                    "title": view.title(hit.kind, hit.id),
                    "snippet": hit.snippet.replace(MARK, ""),
                    "parts": hit.snippet.split(MARK),
                }
            )
    count = by_kind.get(kind, 0) if kind else sum(by_kind.values())
    pages = -(-count // PER_PAGE)

    def link(**changes: Any) -> str:
        params = {"q": query, "kind": kind, "page": number} | changes
        return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "", 1)})

    data = {
        "query": query,
        "kind": kind,
        "page": number,
        "count": count,
        "pages": pages,
        "hits": shown,
        "facets": {
            "kind": [
                {
                    "value": k,
                    "label": KIND_TITLES[k],
                    "count": n,
                    "selected": k == kind,
                    "href": link(kind=None if k == kind else k, page=None),
                }
                for k, n in by_kind.items()
            ]
        },
        "nextUrl": link(page=number + 1) if number * PER_PAGE < count else None,
        # Past the last page (an old link, a hand-typed number), back leads to the last one.
        "previousUrl": link(page=min(number - 1, max(pages, 1))) if number > 1 else None,
    }
    return Page("search.html", "Search", "search", data)


def error_page(status: int, message: str) -> Page:
    titles = {404: "Not found", 422: "Not understood", 500: "Something went wrong"}
    return Page("error.html", titles.get(status, "Error"), "", {"message": message})
