"""Every dated event in one chronology: measures, responses, protections, incident events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coercionwatch.model import Incident, pointers
from coercionwatch.publish.public import Snapshot

from .common import Page, card

EVENT_KINDS = ("measure", "response", "countermeasure", "incident")


@dataclass(frozen=True)
class TimelineFilters:
    kind: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    actor: str | None = None


def _events(snapshot: Snapshot) -> list[dict[str, Any]]:
    events = []
    for kind in ("measure", "response", "countermeasure"):
        for record in snapshot.of(kind):
            if record.when():
                actors = {i for _, kind, i in pointers(record) if kind == "actor"}
                events.append({**card(record, snapshot), "actors": sorted(actors)})
    for incident in snapshot.of("incident"):
        assert isinstance(incident, Incident)
        for number, event in enumerate(incident.timeline):
            events.append(
                {
                    "kind": "incident",
                    "id": incident.id,
                    "title": event.title,
                    "date": event.date,
                    "summary": event.summary,
                    "incidentTitle": incident.title,
                    "key": f"{incident.id}#{number}",
                    "actors": [],
                }
            )
    by_key = sorted(events, key=lambda e: (e["kind"], e["id"]))
    return sorted(by_key, key=lambda e: e["date"], reverse=True)


def timeline_page(snapshot: Snapshot, filters: TimelineFilters) -> Page:
    events = [
        e
        for e in _events(snapshot)
        if (filters.kind is None or e["kind"] == filters.kind)
        and (filters.date_from is None or e["date"] >= filters.date_from)
        and (filters.date_to is None or e["date"][: len(filters.date_to)] <= filters.date_to)
        and (filters.actor is None or filters.actor in e["actors"])
    ]
    data = {
        "filters": {
            "kind": filters.kind,
            "from": filters.date_from,
            "to": filters.date_to,
            "actor": filters.actor,
        },
        "kinds": list(EVENT_KINDS),
        "events": events,
    }
    return Page("timeline.html", "Timeline", "timeline", data)
