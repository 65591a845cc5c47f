"""The queries response coverage is counted from: who answered which measure, when, where.

Read from the facet table (a response's `actor` facet is its actor and every member, its
`measure` facet each measure it answers), so counting the answers to every wave reads no
record body but those of joint responses, whose reported `memberCount` is kept apart.
With `public_only`, each row is the projection's verdict (`facets.shown`): a withheld
response, or a withheld member of a shown one, is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from coercionwatch.model import Key, Record, load_record, pointers, project

from .reader import current_rows, shown_publicly, withheld_among
from .schema import facets, keyed, records, versions

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
    """Whom it is attributed to; read for joint responses only."""
    member_count: int | None = None
    """The count a source reports for a joint response, which may exceed the named."""


def _facet(name: str) -> object:
    return facets.alias(f"f_{name}")


def _values(name: str, *, public_only: bool, joined: bool) -> Any:
    """A response's values of one facet, from the primary key's index: one value, or all of
    them joined by spaces (record ids have none)."""
    f = _facet(name)
    value = func.aggregate_strings(f.c.value, " ") if joined else func.min(f.c.value)
    query = select(value).where(f.c.record_pk == records.c.pk, f.c.facet == name)
    if public_only:
        query = query.where(f.c.shown.is_(True))
    return query.scalar_subquery()


def answer_rows(
    connection: Connection, measure_ids: Iterable[str] | None, *, public_only: bool
) -> dict[int, AnswerRow]:
    """Every response answering these measures (all measures: None), by record pk: one row
    a response, its measures and speakers gathered by the database, so that the rows read
    grow with the responses, not with responses times members."""
    query = select(
        records.c.pk,
        records.c.id,
        records.c.date,
        records.c.type,
        _values("forum", public_only=False, joined=False),
        _values("channel", public_only=False, joined=False),
        _values("measure", public_only=public_only, joined=True),
        _values("actor", public_only=public_only, joined=True),
    ).where(records.c.kind == "response", records.c.deleted.is_(False))
    if public_only:
        query = query.where(shown_publicly())
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
        for pk, rid, date, stance, forum, channel, measures, speakers in connection.execute(
            narrowed
        ).all():
            if measures and speakers and pk not in found:
                found[pk] = AnswerRow(
                    rid, date, stance, forum, channel, measures.split(), speakers.split()
                )
    return found


def read_joint(connection: Connection, rows: dict[int, AnswerRow], pks: Iterable[int]) -> None:
    """Fill in the actor and reported count of these responses from their bodies."""
    wanted = sorted(set(pks))
    for start in range(0, len(wanted), CHUNK):
        query = (
            select(records.c.pk, versions.c.body)
            .join(
                versions,
                and_(
                    versions.c.kind == records.c.kind,
                    versions.c.id == records.c.id,
                    versions.c.version == records.c.version,
                ),
            )
            .where(records.c.pk.in_(wanted[start : start + CHUNK]))
        )
        for pk, body in connection.execute(query):
            data = orjson.loads(body)
            rows[pk].actor = data.get("actor")
            rows[pk].member_count = data.get("memberCount")


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
    """Every current record of a kind, projected when `public_only`, read 500 at a time."""
    query = current_rows().where(records.c.kind == kind)
    if public_only:
        query = query.where(shown_publicly())
    batch: list[Record] = []
    for row in connection.execution_options(yield_per=CHUNK).execute(query.order_by(records.c.id)):
        batch.append(load_record(row.kind, orjson.loads(row.body)))
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
        loaded = [load_record(r.kind, orjson.loads(r.body)) for r in connection.execute(query)]
        found.extend(_projected(connection, loaded, public_only))
    return found
