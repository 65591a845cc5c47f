"""One incident: everything the seed format holds, the measures it ties together, citations."""

from __future__ import annotations

from coercionwatch.model import Incident
from coercionwatch.publish.citations import citations
from coercionwatch.publish.public import Snapshot

from .common import Page, card


def incident_record(incident: Incident, snapshot: Snapshot, site: str) -> dict:
    return incident.seed_record(incident.site or site, snapshot.incident_updates(incident))


def incident_page(snapshot: Snapshot, slug: str, site: str) -> Page | None:
    incident = snapshot.get("incident", slug)
    if not isinstance(incident, Incident):
        return None
    record = incident_record(incident, snapshot, site)
    related = {s: snapshot.get("incident", s) for s in incident.related_incidents}
    measures = snapshot.pointing_at("incident", slug, "measure", "incident")
    data = {
        "record": record,
        "measures": [card(m, snapshot) for m in measures],
        "related": [card(r, snapshot) for r in related.values() if r is not None],
        "unlisted": [s for s, r in related.items() if r is None],
        "citations": citations(record),
    }
    return Page("incident.html", incident.title, f"incident/{slug}", data)
