"""The incident list, with filters that work the same on the server and in the static site."""

from __future__ import annotations

from dataclasses import dataclass

from coercionwatch.model import Incident, vocabulary
from coercionwatch.publish.public import Snapshot

from .common import Page, card


@dataclass(frozen=True)
class IncidentFilters:
    category: str | None = None
    severity: str | None = None
    tag: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    ongoing: bool | None = None

    def keep(self, incident: Incident) -> bool:
        return (
            (self.category is None or incident.category == self.category)
            and (self.severity is None or incident.severity == self.severity)
            and (self.tag is None or self.tag in incident.tags)
            and (self.date_from is None or incident.date >= self.date_from)
            and (self.date_to is None or incident.date[: len(self.date_to)] <= self.date_to)
            and (self.ongoing is None or incident.ongoing == self.ongoing)
        )


def incidents_page(
    snapshot: Snapshot,
    filters: IncidentFilters,
    words: str | None = None,
    matching: set[str] | None = None,
) -> Page:
    """`matching` narrows to the ids the full-text search for `words` found."""
    incidents = [i for i in snapshot.of("incident") if isinstance(i, Incident)]
    shown = [i for i in incidents if filters.keep(i) and (matching is None or i.id in matching)]
    data = {
        "filters": {
            "category": filters.category,
            "severity": filters.severity,
            "tag": filters.tag,
            "from": filters.date_from,
            "to": filters.date_to,
            "ongoing": filters.ongoing,
            "q": words,
        },
        "choices": {
            "category": {v: t.label for v, t in vocabulary("categories").terms.items()},
            "severity": {v: t.label for v, t in vocabulary("severities").terms.items()},
            "tag": sorted({tag for i in incidents for tag in i.tags}, key=str.casefold),
        },
        "total": len(incidents),
        "incidents": [card(i, snapshot) for i in shown],
    }
    return Page("incidents.html", "Incidents", "incidents", data)
