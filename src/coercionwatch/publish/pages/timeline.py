"""Every dated measure, response, protection and incident in one chronology, a page at a
time. An incident's own timeline is on its page: here it is one row, so its events never
repeat the measures listed beside it."""

from __future__ import annotations

from coercionwatch.publish.view import ListAnswer, PublicView
from coercionwatch.store.listing import Listing

from .common import Page, cards
from .lists import query_of

EVENT_KINDS = ("measure", "response", "countermeasure", "incident")


def timeline_page(view: PublicView, listing: Listing, known: ListAnswer | None = None) -> Page:
    """`known`: the answer for another page of this list, whose count and facets it shares."""
    answer = view.list(listing, known=known)
    actor = listing.involving[1] if listing.involving else None
    data = {
        "filters": {
            "kind": listing.kind if isinstance(listing.kind, str) else None,
            "from": listing.date_from,
            "to": listing.date_to,
            "actor": actor,
            "actorName": view.title("actor", actor) if actor else None,
        },
        "kinds": list(EVENT_KINDS),
        "facets": {"kind": [{"value": k, "count": n} for k, n in answer.facets.get("kind", [])]},
        "count": answer.count,
        "events": cards(answer.records, view),
        "next": answer.next,
        "nextUrl": _query(listing, after=answer.next) if answer.next else None,
        "firstUrl": _query(listing, after=None) if listing.after else None,
    }
    return Page("timeline.html", "Timeline", "timeline", data)


def _query(listing: Listing, **changes: str | None) -> str:
    actor = listing.involving[1] if listing.involving else None
    kind = listing.kind if isinstance(listing.kind, str) else None
    return query_of(listing, sort=None, kind=kind, actor=actor, **changes)


def timeline(
    *,
    kind: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    actor: str | None = None,
    after: str | None = None,
    size: int = 50,
) -> Listing:
    """The timeline's list: one kind of event or all of them, dated ones only."""
    return Listing(
        kind or EVENT_KINDS,
        date_from=date_from,
        date_to=date_to,
        involving=("actor", actor) if actor else None,
        dated=True,
        after=after,
        size=size,
    )
