"""One actor's page.

A person's page shows what was done to them and who answered; a state's or organisation's
page shows what it imposed, what it said, the protections it has in force and, for a state,
the measures against its nationals.
"""

from __future__ import annotations

from typing import Any

import pycountry

from coercionwatch.model import Actor, stored_body
from coercionwatch.model.types import display_date
from coercionwatch.publish.view import PublicView, Read, Reads
from coercionwatch.store.listing import Listing

from ..proofs import proof_path
from .common import IN_FORCE, Page, cards
from .coverage import state_coverage
from .records import SHOWN_REFERRERS, field_rows


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


def state_of(view: PublicView, code: str) -> dict[str, Any]:
    """A country as a link to its state's page where the record holds one."""
    found = view.records(Listing("actor", (("country", code), ("type", "state")), size=1))
    state = found[0] if found else None
    return {
        "code": code,
        "name": state.heading() if state else country_name(code),
        "id": state.id if state else None,
    }


def role_text(role: Any, view: PublicView) -> str:
    """`Judge, International Criminal Court, since 11 March 2018`."""
    parts = [role.title]
    if role.organisation:
        parts.append(view.title("actor", role.organisation))
    if role.since:
        parts.append(f"since {display_date(role.since)}")
    if role.until:
        parts.append(f"until {display_date(role.until)}")
    return ", ".join(parts)


ACTOR_READS: Reads = (
    Read("measure", ("target",), SHOWN_REFERRERS),
    Read("measure", ("imposer",), SHOWN_REFERRERS),
    Read("response", ("actor", "members"), SHOWN_REFERRERS),
    Read("countermeasure", ("actors.actor",), SHOWN_REFERRERS),
    Read("response", ("answers.measure",), SHOWN_REFERRERS, through=("measure", ("target",))),
)
"""What an actor's page lists of the records pointing at it, for `PublicView.read_ahead`."""


def actor_page(view: PublicView, actor_id: str) -> Page | None:
    actor = view.get("actor", actor_id)
    if not isinstance(actor, Actor):
        return None
    (
        (against, against_count),
        (imposed, imposed_count),
        (said, said_count),
        (taking_part, _),
        (answering, answering_count),
    ) = (view.pointing_at("actor", actor_id, read) for read in ACTOR_READS)
    in_force = [c for c in taking_part if getattr(c, "status", "") in IN_FORCE]
    nationals: list[Any] = []
    nationals_count = 0
    if actor.type == "state" and actor.country:
        answer = view.list(
            Listing("measure", (("country", actor.country),), size=SHOWN_REFERRERS), facets=False
        )
        nationals, nationals_count = (
            [m for m in answer.records if m.target != actor_id],
            answer.count,
        )
    data = {
        "record": stored_body(actor),
        "fields": field_rows(actor, view, leave_out=("nationality", "roles")),
        "nationality": [state_of(view, code) for code in actor.nationality],
        "roles": [role_text(role, view) for role in actor.roles],
        "measuresAgainst": cards(against, view),
        "measuresAgainstCount": against_count,
        "responsesToThose": cards(answering, view),
        "responsesToThoseCount": answering_count,
        "measuresImposed": cards(imposed, view),
        "measuresImposedCount": imposed_count,
        "statements": cards(said, view),
        "statementsCount": said_count,
        "protectionsInForce": cards(in_force, view),
        "otherCountermeasures": cards([c for c in taking_part if c not in in_force], view),
        "measuresAgainstNationals": cards(nationals, view),
        "measuresAgainstNationalsCount": nationals_count,
        "proof": proof_path(view, "actor", actor_id),
    }
    if actor.type == "state" and actor.country:
        data["coverage"] = state_coverage(view, actor.country)
    return Page("actor.html", actor.heading(), f"actor/{actor_id}", data)
