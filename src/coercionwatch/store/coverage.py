"""The queries response coverage is counted from: who answered which measure, when, where.

Read from the answers table (`store.answers`: each response's measures, speakers, forum,
channel and reported count, from its own body), so counting the answers to every wave reads
one row a response and no record body. With `public_only`, a response the projection does
not show is not counted, nor is a measure or member it names that is not shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from coercionwatch.model import Key, Record, pointers, project

from .reader import current_rows, shown_ids, shown_publicly, stored, withheld_among
from .schema import answers, facets, keyed, records

CHUNK = 500


@dataclass(slots=True)
class AnswerRow:
    """One response as coverage counts it."""

    response: str
    date: str | None
    stance: str
    forum: str
    channel: str
    measures: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    """Its actor and every named member (not yet the members of a group actor), each once."""
    actor: str | None = None
    """Whom it is attributed to."""
    member_count: int | None = None
    """The count a source reports for a joint response, which may exceed the named."""


def answer_rows(
    connection: Connection, measure_ids: Iterable[str] | None, *, public_only: bool
) -> dict[int, AnswerRow]:
    """Every response answering these measures (all measures: None), by record pk, one row a
    response from the answers table. With `public_only`, the measures and speakers it names
    are those the projection shows, as the facet table's verdict has them."""
    query = (
        select(
            records.c.pk,
            records.c.id,
            records.c.date,
            records.c.type,
            answers.c.forum,
            answers.c.channel,
            answers.c.measures,
            answers.c.speakers,
            answers.c.actor,
            answers.c.member_count,
        )
        .select_from(answers)
        .join(records, records.c.pk == answers.c.record_pk)
        .where(records.c.deleted.is_(False))
        .order_by(records.c.pk)
    )
    if public_only:
        query = query.where(shown_publicly())
        measures_shown = frozenset(chain.from_iterable(shown_ids(connection, "measure")))
        actors_shown = frozenset(chain.from_iterable(shown_ids(connection, "actor")))
    wanted = None if measure_ids is None else sorted(set(measure_ids))
    chunks = (
        [None] if wanted is None else [wanted[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)]
    )
    found: dict[int, AnswerRow] = {}
    for chunk in chunks:
        narrowed = query
        if chunk is not None:
            answering = select(facets.c.record_pk).where(
                facets.c.kind == "response", facets.c.facet == "measure", facets.c.value.in_(chunk)
            )
            narrowed = query.where(records.c.pk.in_(answering))
        for (
            pk,
            rid,
            date,
            stance,
            forum,
            channel,
            named,
            speaking,
            actor,
            count,
        ) in connection.execute(narrowed).all():
            if pk in found:
                continue
            measures, speakers = named.split(), speaking.split()
            if public_only:
                # Nearly every row names only what is shown: test that first, filter rarely.
                if not measures_shown.issuperset(measures):
                    measures = [m for m in measures if m in measures_shown]
                if not actors_shown.issuperset(speakers):
                    speakers = [s for s in speakers if s in actors_shown]
                if actor not in actors_shown:
                    actor = None
            if measures and speakers:
                found[pk] = AnswerRow(
                    rid, date, stance, forum, channel, measures, speakers, actor, count
                )
    # In the record's order whatever the chunks: a count lists its answers in that order.
    return found if len(chunks) == 1 else dict(sorted(found.items()))


def _facet(name: str) -> Any:
    return facets.alias(f"f_{name}")


def state_actors(connection: Connection, *, public_only: bool) -> dict[str, str]:
    """The actor id of every state the record holds, with its ISO code."""
    ft, fc = _facet("type"), _facet("country")
    query = (
        select(records.c.id, fc.c.value)
        .select_from(ft)
        .join(records, records.c.pk == ft.c.record_pk)
        .join(fc, and_(fc.c.record_pk == ft.c.record_pk, fc.c.facet == "country"))
        .where(
            ft.c.kind == "actor",
            ft.c.facet == "type",
            ft.c.value == "state",
            records.c.deleted.is_(False),
        )
    )
    if public_only:
        query = query.where(shown_publicly())
    return dict(connection.execute(query).all())


def _projected(connection: Connection, loaded: list[Record], public_only: bool) -> list[Record]:
    if not public_only:
        return loaded
    targets = {
        (k, t) for r in loaded for soft in (False, True) for _, k, t in pointers(r, soft=soft)
    }
    withheld = withheld_among(connection, targets)
    return [shown for r in loaded if (shown := project(r, withheld)) is not None]


def every(connection: Connection, kind: str, *, public_only: bool) -> Iterator[Record]:
    """Every current record of a kind, projected when `public_only`, read 500 at a time,
    each validated once a content (`reader.stored`): a site build counts every wave more
    than once."""
    query = current_rows().where(records.c.kind == kind)
    if public_only:
        query = query.where(shown_publicly())
    batch: list[Record] = []
    for row in connection.execute(query.order_by(records.c.id).execution_options(yield_per=CHUNK)):
        batch.append(stored(row).record)
        if len(batch) >= CHUNK:
            yield from _projected(connection, batch, public_only)
            batch = []
    yield from _projected(connection, batch, public_only)


def some(connection: Connection, keys: Iterable[Key], *, public_only: bool) -> list[Record]:
    """These records, those not shown left out when `public_only`."""
    wanted = sorted(set(keys))
    found: list[Record] = []
    for start in range(0, len(wanted), CHUNK):
        query = current_rows().where(keyed(records, wanted[start : start + CHUNK]))
        if public_only:
            query = query.where(shown_publicly())
        loaded = [stored(r).record for r in connection.execute(query)]
        found.extend(_projected(connection, loaded, public_only))
    return found
