"""The record kinds of DESIGN.md, except the incident (see incident.py).

`kind` names the record kind; `type` is the subtype within it (a measure's `designation`,
an actor's `person`), so the two never collide in the native file format.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .types import (
    CountryCode,
    Jurisdiction,
    LanguageTag,
    PartialDate,
    RecordId,
    ShortText,
    Text,
    Url,
    vocab,
)

Visibility = Literal["public", "restricted"]


class Part(BaseModel):
    """A nested object inside a record: camelCase on the wire, strict about unknown keys and
    about types (JSON and YAML give real booleans and numbers; `"yes"` and `"12"` are text)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True, strict=True
    )


class Record(Part):
    """Fields every kind has. `references` maps field paths to the kind they point at."""

    kind: ClassVar[str]
    references: ClassVar[dict[str, str]] = {}

    id: RecordId
    visibility: Visibility = "public"

    def heading(self) -> str:
        """What a person reads as this record's name in a list."""
        return self.id

    def when(self) -> str | None:
        """The date the record is sorted by on timelines."""
        return getattr(self, "date", None)


class Role(Part):
    title: ShortText
    organisation: RecordId | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None


class ExternalIds(Part):
    ofac: str | None = None
    opensanctions: str | None = None
    wikidata: str | None = None


class Actor(Record):
    kind: ClassVar[str] = "actor"
    references: ClassVar[dict[str, str]] = {"roles.organisation": "actor", "sources": "source"}

    name: ShortText
    type: vocab("actor-types")  # type: ignore[valid-type]
    aliases: list[ShortText] = Field(default_factory=list)
    nationality: list[CountryCode] = Field(default_factory=list)
    birth_date: PartialDate | None = None
    country: CountryCode | None = None
    region: vocab("un-regions") | None = None  # type: ignore[valid-type]
    rome_statute: vocab("rome-statute-status") | None = None  # type: ignore[valid-type]
    roles: list[Role] = Field(default_factory=list)
    external_ids: ExternalIds = ExternalIds()
    summary: Text | None = None
    sources: list[RecordId] = Field(default_factory=list)

    def heading(self) -> str:
        return self.name


class Measure(Record):
    kind: ClassVar[str] = "measure"
    references: ClassVar[dict[str, str]] = {
        "imposer": "actor",
        "target": "actor",
        "sources": "source",
        "incident": "incident",
        "provisions": "provision",
    }

    type: vocab("measure-types")  # type: ignore[valid-type]
    imposer: RecordId
    target: RecordId
    date: PartialDate | None = None
    authority: ShortText | None = None
    program: ShortText | None = None
    status: vocab("measure-statuses") = "active"  # type: ignore[valid-type]
    status_date: PartialDate | None = None
    reason: Text | None = None
    breach: vocab("breach-types") | None = None  # type: ignore[valid-type]
    effects: list[Text] = Field(default_factory=list)
    summary: Text | None = None
    provisions: list[RecordId] = Field(default_factory=list)
    sources: list[RecordId] = Field(default_factory=list)
    incident: RecordId | None = None

    def heading(self) -> str:
        return f"{self.type}: {self.target}"


class Response(Record):
    kind: ClassVar[str] = "response"
    references: ClassVar[dict[str, str]] = {
        "actor": "actor",
        "answers": "measure",
        "sources": "source",
    }

    actor: RecordId
    date: PartialDate | None = None
    stance: vocab("stances")  # type: ignore[valid-type]
    forum: vocab("forums")  # type: ignore[valid-type]
    answers: list[RecordId] = Field(default_factory=list)
    quote: ShortText | None = None
    summary: Text | None = None
    sources: list[RecordId] = Field(default_factory=list)

    def heading(self) -> str:
        return f"{self.actor}: {self.stance}"


class Countermeasure(Record):
    kind: ClassVar[str] = "countermeasure"
    references: ClassVar[dict[str, str]] = {
        "actors": "actor",
        "covers": "measure",
        "provisions": "provision",
        "sources": "source",
    }

    name: ShortText
    layer: vocab("layers")  # type: ignore[valid-type]
    type: vocab("countermeasure-types")  # type: ignore[valid-type]
    jurisdiction: Jurisdiction | None = None
    actors: list[RecordId] = Field(default_factory=list)
    status: vocab("countermeasure-statuses")  # type: ignore[valid-type]
    date: PartialDate | None = None
    until: PartialDate | None = None
    covers: list[RecordId] = Field(default_factory=list)
    summary: Text | None = None
    provisions: list[RecordId] = Field(default_factory=list)
    sources: list[RecordId] = Field(default_factory=list)

    def heading(self) -> str:
        return self.name


IN_FORCE = frozenset({"in-force", "adopted", "granted", "under-way"})
"""Countermeasure statuses that mean a protection is actually working, not just proposed."""


class Archive(Part):
    sha256: str | None = None
    warc_record: str | None = None
    mirrors: list[str] = Field(default_factory=list)
    retrieved_at: str | None = None


class Source(Record):
    kind: ClassVar[str] = "source"

    title: ShortText
    type: vocab("source-types")  # type: ignore[valid-type]
    url: Url | None = None
    publisher: ShortText | None = None
    published: PartialDate | None = None
    language: LanguageTag | None = None
    archive: Archive | None = None
    text: Text | None = None

    def heading(self) -> str:
        return self.title

    def when(self) -> str | None:
        return self.published


class Provision(Record):
    kind: ClassVar[str] = "provision"
    references: ClassVar[dict[str, str]] = {"sources": "source"}

    instrument: ShortText
    article: ShortText | None = None
    summary: Text
    sources: list[RecordId] = Field(default_factory=list)

    def heading(self) -> str:
        return f"{self.instrument}, {self.article}" if self.article else self.instrument
