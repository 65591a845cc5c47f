"""The Atom feed of new measures and responses, newest first."""

from __future__ import annotations

from coercionwatch.store.listing import Listing

from .pages.common import cards
from .view import PublicView

FEED_SIZE = 50


def _timestamp(date: str) -> str:
    parts = [*date.split("-"), "01", "01"][:3]
    return "-".join(parts) + "T00:00:00Z"


def atom_feed(view: PublicView, site: str) -> bytes:
    from feedgen.feed import FeedGenerator  # lxml with it: 10 ms a server need not start with

    base = site.rstrip("/")
    latest = Listing(("measure", "response"), dated=True, size=FEED_SIZE)
    entries = view.records(latest)
    feed = FeedGenerator()
    feed.id(f"{base}/feed.atom")
    feed.title("Coercion Watch: new measures and responses")
    feed.link(href=f"{base}/feed.atom", rel="self")
    feed.link(href=f"{base}/", rel="alternate")
    feed.language("en")
    newest = entries[0].when() if entries else "1970"
    feed.updated(_timestamp(newest or "1970"))
    for record, shown in reversed(list(zip(entries, cards(entries, view), strict=True))):
        # feedgen puts the last added first
        url = f"{base}/{record.kind}/{record.id}"
        entry = feed.add_entry()
        entry.id(url)
        entry.title(shown["title"])
        entry.link(href=url)
        entry.updated(_timestamp(record.when() or "1970"))
        entry.summary(shown["summary"] or shown["title"])
        entry.category(term=record.kind)
    return feed.atom_str(pretty=True)
