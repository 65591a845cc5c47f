"""The Atom feed of measures and responses, the latest added or changed first: each entry's
`<updated>` is when the record last changed here, not the date of the event it records."""

from __future__ import annotations

from coercionwatch.store.listing import Listing, page

from .pages.common import cards
from .view import PublicView

FEED_SIZE = 50
NEVER = "1970-01-01T00:00:00Z"
"""The feed's own `<updated>` while it has no entry."""


def atom_feed(view: PublicView, site: str) -> bytes:
    from feedgen.feed import FeedGenerator  # lxml with it: 10 ms a server need not start with

    base = site.rstrip("/")
    latest = Listing(("measure", "response"), sort="updated", size=FEED_SIZE)
    # The records as the projection shows them, and when each changed: both one index range
    # of the same transaction, so they are the same records in the same order.
    entries = view.records(latest)
    rows, _ = page(view.connection, latest)
    changed = {(row.record.kind, row.record.id): row.updated_at for row in rows}
    feed = FeedGenerator()
    feed.id(f"{base}/feed.atom")
    feed.title("Coercion Watch: new and changed measures and responses")
    feed.link(href=f"{base}/feed.atom", rel="self")
    feed.link(href=f"{base}/", rel="alternate")
    feed.language("en")
    feed.updated(changed[(entries[0].kind, entries[0].id)] if entries else NEVER)
    for record, shown in reversed(list(zip(entries, cards(entries, view), strict=True))):
        # feedgen puts the last added first
        url = f"{base}/{record.kind}/{record.id}"
        entry = feed.add_entry()
        entry.id(url)
        entry.title(shown["title"])
        entry.link(href=url)
        entry.updated(changed[(record.kind, record.id)])
        entry.summary(shown["summary"] or shown["title"])
        entry.category(term=record.kind)
    return feed.atom_str(pretty=True)
