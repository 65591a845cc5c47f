"""Actors: the list by type, and one actor's page.

A person's page shows what was done to them and who answered; a state's or organisation's
page shows what it imposed, what it said, and the protections it has in force.
"""

from __future__ import annotations

from typing import Any

from coercionwatch.model import stored_body
from coercionwatch.publish.public import Snapshot

from .common import IN_FORCE, Page, card, label
from .records import field_rows


def actors_page(snapshot: Snapshot) -> Page:
    groups: dict[str, list[dict[str, Any]]] = {}
    for actor in sorted(snapshot.of("actor"), key=lambda a: a.heading().casefold()):
        groups.setdefault(label("actor", "type", actor.type), []).append(card(actor, snapshot))  # type: ignore[attr-defined]
    data = {"groups": [{"type": t, "actors": cards} for t, cards in sorted(groups.items())]}
    return Page("actors.html", "Actors", "actors", data)


def actor_page(snapshot: Snapshot, actor_id: str) -> Page | None:
    actor = snapshot.get("actor", actor_id)
    if actor is None:
        return None
    against = snapshot.pointing_at("actor", actor_id, "measure", "target")
    answering = {
        r.id: r
        for m in against
        for r in snapshot.pointing_at("measure", m.id, "response", "answers.measure")
    }
    protections = [
        c
        for c in snapshot.pointing_at("actor", actor_id, "countermeasure", "actors.actor")
        if getattr(c, "status", "") in IN_FORCE
    ]
    data = {
        "record": stored_body(actor),
        "fields": field_rows(actor, snapshot),
        "measuresAgainst": [card(m, snapshot) for m in against],
        "responsesToThose": [card(r, snapshot) for r in answering.values()],
        "measuresImposed": [
            card(m, snapshot) for m in snapshot.pointing_at("actor", actor_id, "measure", "imposer")
        ],
        "statements": [
            card(r, snapshot)
            for path in ("actor", "members")
            for r in snapshot.pointing_at("actor", actor_id, "response", path)
        ],
        "protectionsInForce": [card(c, snapshot) for c in protections],
        "otherCountermeasures": [
            card(c, snapshot)
            for c in snapshot.pointing_at("actor", actor_id, "countermeasure", "actors.actor")
            if c not in protections
        ],
    }
    return Page("actor.html", actor.heading(), f"actor/{actor_id}", data)
