"""The home page: what the record covers, the latest measures and answers, headline counts."""

from __future__ import annotations

from coercionwatch.model import IN_FORCE
from coercionwatch.publish.view import PublicView
from coercionwatch.store import listing
from coercionwatch.store.listing import Listing

from .common import Page, cards

LATEST = 8


def home_page(view: PublicView) -> Page:
    connection = view.connection
    latest = {
        kind: view.records(Listing(kind, size=LATEST, dated=True))
        for kind in ("measure", "response")
    }
    data = {
        "counts": listing.counts_by_kind(connection),
        "headline": {
            "measures": view.count("measure"),
            "designations": listing.records_with(connection, "measure", "type", ("designation",)),
            "measuresAnswered": listing.distinct_values(connection, "response", "measure"),
            "respondingActors": listing.distinct_values(connection, "response", "actor"),
            "protectionsInForce": listing.records_with(
                connection, "countermeasure", "status", tuple(sorted(IN_FORCE))
            ),
        },
        "latestMeasures": cards(latest["measure"], view),
        "latestResponses": cards(latest["response"], view),
    }
    return Page("home.html", "Coercion Watch", "", data)
