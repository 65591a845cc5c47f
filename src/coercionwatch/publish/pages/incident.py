"""One incident: everything the seed format holds, its measures grouped by act, who they
targeted, the responses they drew, and citations."""

from __future__ import annotations

import re
from typing import Any

from coercionwatch.model import Actor, Incident, Record
from coercionwatch.model.labels import label
from coercionwatch.publish.citations import citations
from coercionwatch.publish.view import PublicView, Read, Reads

from ..proofs import proof_path
from .actors import country_name, role_text
from .common import Page, card, cards

MEASURES_SHOWN = 200
"""An incident ties together tens of measures at most; past this, its page says how many."""

INCIDENT_READS: Reads = (
    Read("measure", ("incident",), MEASURES_SHOWN),
    Read("response", ("answers.measure",), MEASURES_SHOWN, through=("measure", ("incident",))),
)
"""What an incident's page lists of the records pointing at it, for `PublicView.read_ahead`."""

_TAG = re.compile(r"<[^>]*>")


def incident_record(incident: Incident, view: PublicView, site: str) -> dict:
    return incident.seed_record(incident.site or site, view.incident_updates(incident))


def acts_of(measures: list[Record], view: PublicView) -> list[dict[str, Any]]:
    """Measures that are one act against several targets, together; each other measure
    on its own. In the order the measures came, by the first of each act."""
    groups: dict[str, dict[str, Any]] = {}
    for measure in measures:
        act = getattr(measure, "act", None) or f"measure:{measure.id}"
        group = groups.setdefault(act, {"act": getattr(measure, "act", None), "measures": []})
        group["measures"].append(card(measure, view))
    return list(groups.values())


def targets_of(measures: list[Record], view: PublicView) -> list[dict[str, Any]]:
    """One row per measure: whom it targeted, in what role, of what nationality, when, and
    where it stands."""
    actors = view.many({("actor", m.target) for m in measures})  # type: ignore[attr-defined]
    rows = []
    for measure in measures:
        actor = actors.get(("actor", measure.target))  # type: ignore[attr-defined]
        if not isinstance(actor, Actor):
            continue
        rows.append(
            {
                "actor": actor.id,
                "name": actor.heading(),
                "role": role_text(actor.roles[0], view) if actor.roles else None,
                "nationality": [country_name(code) for code in actor.nationality],
                "measure": measure.id,
                "date": measure.when(),
                "status": measure.status,  # type: ignore[attr-defined]
                "statusLabel": label("measure", "status", measure.status),  # type: ignore[attr-defined]
            }
        )
    return rows


def incident_page(view: PublicView, slug: str, site: str) -> Page | None:
    incident = view.get("incident", slug)
    if not isinstance(incident, Incident):
        return None
    record = incident_record(incident, view, site)
    related = view.many(("incident", s) for s in incident.related_incidents)
    (measures, measure_count), (responses, response_count) = (
        view.pointing_at("incident", slug, read) for read in INCIDENT_READS
    )
    data = {
        "record": record,
        "hasAccount": bool(_TAG.sub("", record.get("contentHtml") or "").strip()),
        "measures": cards(measures, view),
        "measureCount": measure_count,
        "acts": acts_of(measures, view),
        "targets": targets_of(measures, view),
        "responses": cards(responses, view),
        "responseCount": response_count,
        "related": cards(
            (
                related[("incident", s)]
                for s in incident.related_incidents
                if ("incident", s) in related
            ),
            view,
        ),
        "unlisted": [s for s in incident.related_incidents if ("incident", s) not in related],
        "citations": citations(record),
        "proof": proof_path(view, "incident", slug),
    }
    return Page("incident.html", incident.title, f"incident/{slug}", data)
