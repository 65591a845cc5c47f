"""States as actors of the record, made from the states table (model/states).

Each state becomes an actor whose id is its English short name in lower-case words joined
by hyphens (`south-africa`), so responses, members and nationalities can point at it; each
cites one source record, the table itself, with its compilation date. Loaded `add_only`:
an actor already in the record, edited since or not, is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from coercionwatch.model import Actor, Location, Source
from coercionwatch.model import states as reference

from .records import Incoming

WHERE = Location("(states table)")


def table_source() -> Source:
    meta = reference.provenance()
    return Source(
        id=reference.SOURCE_ID,
        type="dataset",
        title=meta["title"],
        published=meta["compiled"],
        text=(
            f"{meta['rows']}. Read on {meta['retrieved']} from: "
            + "; ".join(meta["sources"])
            + ". Shipped with Coercion Watch as model/data/states.csv, with its notes and doubts."
        ),
    )


def state_actor(state: reference.State) -> Actor:
    on = dt.date.fromisoformat(reference.provenance()["compiled"])
    aliases = [n for n in dict.fromkeys([state.iso_name, state.name_fr]) if n != state.name]
    return Actor(
        id=state.actor_id,
        type="state",
        name=state.name,
        aliases=aliases,
        country=state.code,
        region=state.region,
        rome_statute=state.rome_statute_status(on),
        sources=[reference.SOURCE_ID],
    )


def state_records() -> Iterator[Incoming]:
    """The table's source record, then an actor for every state in it."""
    yield Incoming(table_source(), WHERE)
    for state in reference.states().values():
        yield Incoming(state_actor(state), WHERE)
