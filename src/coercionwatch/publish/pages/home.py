"""The home page: what the record covers, the latest measures and answers, headline counts."""

from __future__ import annotations

from coercionwatch.model import Response
from coercionwatch.publish.public import Snapshot

from .common import IN_FORCE, Page, card

LATEST = 8


def home_page(snapshot: Snapshot) -> Page:
    measures = snapshot.of("measure")
    responses = snapshot.of("response")
    answered = {m for r in responses if isinstance(r, Response) for m in r.answered("measure")}
    counts = {kind: len(records) for kind, records in snapshot.records.items()}
    data = {
        "counts": counts,
        "headline": {
            "measures": len(measures),
            "designations": sum(1 for m in measures if getattr(m, "type", "") == "designation"),
            "measuresAnswered": sum(1 for m in measures if m.id in answered),
            "respondingActors": len({getattr(r, "actor", "") for r in responses}),
            "protectionsInForce": sum(
                1 for c in snapshot.of("countermeasure") if getattr(c, "status", "") in IN_FORCE
            ),
        },
        "latestMeasures": [card(m, snapshot) for m in measures[:LATEST]],
        "latestResponses": [card(r, snapshot) for r in responses[:LATEST]],
    }
    return Page("home.html", "Coercion Watch", "", data)
