"""The public record as FollowTheMoney entities, one JSON object a line, as OpenSanctions
publishes its data: actors as people and bodies, designations as Sanction entities.

Entities are built with the followthemoney library, whose `add` cleans each value for its
property type (dates, countries, urls), so what is written fits the FtM model. Ids are the
record's kind and id, so they stay the same from one export to the next.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson
from followthemoney import EntityProxy, model

from coercionwatch.model import Actor, LegalBasis, Measure, Source, vocabulary
from coercionwatch.store.listing import Listing

from .view import PublicView

SCHEMATA: dict[str, str] = {
    "person": "Person",
    "state": "PublicBody",
    "court": "PublicBody",
    "intergovernmental": "PublicBody",
    "un-mandate": "PublicBody",
    "organisation": "Organization",
    "group": "Organization",
    "company": "Company",
}
"""FtM schema of each actor type; any other type (`unidentified`, or one a deployment adds
to the vocabulary) is a LegalEntity, the schema that does not say person or body."""

SANCTIONS = frozenset({"designation"})
"""Measure types that are sanctions in FtM's sense: a listing with legal effect. One only
threatened was never taken, and is no Sanction entity."""

ENDED = frozenset({"lifted", "ended"})

ID_PREFIX = "coercionwatch"


def is_sanction(measure: Measure) -> bool:
    return measure.type in SANCTIONS and measure.status != "threatened"


def entity_id(kind: str, record_id: str) -> str:
    return f"{ID_PREFIX}-{kind}-{record_id}"


def source_urls(view: PublicView, source_ids: list[str]) -> list[str]:
    """The web addresses of the public sources a record names."""
    return [source.url for source in sources(view, source_ids) if source.url]


def sources(view: PublicView, source_ids: list[str]) -> list[Source]:
    found = (view.get("source", s) for s in source_ids)
    return [source for source in found if isinstance(source, Source)]


def stated_date(date: str | None, certainty: str | None) -> str | None:
    """A date as FtM holds it: as a fact. One the record calls approximate, inferred, or
    only a bound (before, after) is left out rather than stated as exact."""
    return date if certainty in (None, "exact") else None


def sanction_entity(measure: Measure, view: PublicView) -> EntityProxy:
    entity = model.make_entity("Sanction")
    entity.id = entity_id("measure", measure.id)
    entity.add("entity", entity_id("actor", measure.target))
    imposer = view.get("actor", measure.imposer)
    entity.add("authority", measure.agency or view.name("actor", measure.imposer))
    if isinstance(imposer, Actor) and imposer.type == "state":
        entity.add("country", imposer.country)
    entity.add("program", [legal_basis(basis, view) for basis in measure.legal_basis])
    entity.add("programId", measure.program)
    named = sources(view, measure.sources)
    entity.add("authorityId", [s.list_entry.uid for s in named if s.list_entry])
    listed = stated_date(measure.date, measure.date_certainty)
    if measure.effective:  # in force later than listed
        entity.add("listingDate", listed)
        entity.add("startDate", stated_date(measure.effective, measure.effective_certainty))
    else:
        entity.add("startDate", listed)
    if measure.status in ENDED:
        entity.add("endDate", stated_date(measure.status_date, measure.status_date_certainty))
    entity.add("status", vocabulary("measure-statuses").label(measure.status))
    entity.add("reason", measure.reason)
    entity.add("summary", measure.summary)
    entity.add("description", measure.effects)
    entity.add("sourceUrl", [s.url for s in named if s.url])
    return entity


def legal_basis(basis: LegalBasis, view: PublicView) -> str | None:
    """What a measure was taken under, in words: the text given, or the provision's name."""
    if basis.provision:
        return view.name("provision", basis.provision)
    return basis.text


def actor_entity(actor: Actor, view: PublicView, sanctions: list[Measure]) -> EntityProxy:
    """An actor; `sanctions` are the designations in force against it."""
    schema = SCHEMATA.get(actor.type, "LegalEntity")
    entity = model.make_entity(schema)
    entity.id = entity_id("actor", actor.id)
    entity.add("name", actor.name)
    entity.add("alias", actor.aliases)
    entity.add("country", actor.country)
    entity.add("summary", actor.summary)
    entity.add("wikidataId", actor.external_ids.wikidata)
    entity.add("sourceUrl", source_urls(view, actor.sources))
    if schema == "Person":
        entity.add("nationality", actor.nationality)
        entity.add("birthDate", stated_date(actor.birth_date, actor.birth_date_certainty))
        entity.add(
            "position", [position(role.title, role.organisation, view) for role in actor.roles]
        )
    if sanctions:
        entity.add("topics", "sanction")
        entity.add("programId", [m.program for m in sanctions])
    return entity


def position(title: str, organisation: str | None, view: PublicView) -> str:
    return f"{title}, {view.name('actor', organisation)}" if organisation else title


def ftm_entities(view: PublicView) -> Iterator[EntityProxy]:
    """Every public actor, then every public sanction, each in id order."""
    measures = sorted(
        (m for m in view.every(Listing("measure")) if isinstance(m, Measure) and is_sanction(m)),
        key=lambda m: m.id,
    )
    in_force: dict[str, list[Measure]] = {}
    for measure in measures:
        if measure.status == "active":
            in_force.setdefault(measure.target, []).append(measure)
    for actor in sorted(view.every(Listing("actor")), key=lambda a: a.id):
        if isinstance(actor, Actor):
            yield actor_entity(actor, view, in_force.get(actor.id, []))
    for measure in measures:
        yield sanction_entity(measure, view)


def ftm_file(view: PublicView) -> bytes:
    """JSON Lines, as `ftm` and OpenSanctions' tools read them."""
    return b"".join(
        orjson.dumps(entity.to_dict(), option=orjson.OPT_APPEND_NEWLINE)
        for entity in ftm_entities(view)
    )
