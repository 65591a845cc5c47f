"""One incident: everything the seed format holds, the measures it ties together, citations."""

from __future__ import annotations

from typing import Any

from coercionwatch.model import Incident, Record
from coercionwatch.publish.citations import citations
from coercionwatch.publish.public import Snapshot

from .common import Page, card


def incident_record(incident: Incident, snapshot: Snapshot, site: str) -> dict:
    return incident.seed_record(incident.site or site, snapshot.incident_updates(incident))


def acts_of(measures: list[Record], snapshot: Snapshot) -> list[dict[str, Any]]:
    """Measures that are one act against several targets, together; each other measure
    on its own. In the order the measures came, by the first of each act."""
    groups: dict[str, dict[str, Any]] = {}
    for measure in measures:
        act = getattr(measure, "act", None) or f"measure:{measure.id}"
        group = groups.setdefault(act, {"act": getattr(measure, "act", None), "measures": []})
        group["measures"].append(card(measure, snapshot))
    return list(groups.values())


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
        "acts": acts_of(measures, snapshot),
        "related": [card(r, snapshot) for r in related.values() if r is not None],
        "unlisted": [s for s, r in related.items() if r is None],
        "citations": citations(record),
    }
    return Page("incident.html", incident.title, f"incident/{slug}", data)
