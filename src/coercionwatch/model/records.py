"""The record kinds of DESIGN.md, except the incident (see incident.py).

`kind` names the record kind; `type` is the subtype within it (a measure's `designation`,
an actor's `person`), so the two never collide in the native file format. The docstring
under each field is its entry in the README's field reference (`model.fieldguide`).
"""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    NonNegativeInt,
    model_validator,
)
from pydantic.alias_generators import to_camel

from . import upgrade
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
    about types (JSON and YAML give real booleans and numbers; `"yes"` and `"12"` are text).

    A date field `x` may be qualified by `xCertainty` and `xNote`: how sure the date is and
    what it rests on. Neither may stand without the date, and an inferred date must say
    what it was inferred from."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        strict=True,
        use_attribute_docstrings=True,
    )

    @model_validator(mode="after")
    def _dates_are_qualified_with_their_date(self) -> Any:
        for date in qualified_dates(type(self)):
            certainty = getattr(self, f"{date}_certainty")
            note = getattr(self, f"{date}_note")
            if getattr(self, date) is None and (certainty or note):
                name = to_camel(date)
                given = f"{name}Certainty" if certainty else f"{name}Note"
                raise ValueError(f"{given} is given without {name}")
            if certainty == "inferred" and not note:
                name = to_camel(date)
                raise ValueError(
                    f"an inferred date says what it rests on: add {name}Note to {name}"
                )
        return self


@cache
def qualified_dates(cls: type[BaseModel]) -> tuple[str, ...]:
    """The date fields of a class that carry a certainty and a note beside them."""
    fields = cls.model_fields
    return tuple(
        name[: -len("_certainty")]
        for name in fields
        if name.endswith("_certainty") and name[: -len("_certainty")] in fields
    )


class Dispute(Part):
    """A value some source gives for a field, other than the one the record adopts."""

    field: ShortText
    """The field the sources disagree on, by its name in this record (`date`, `memberCount`)."""
    value: JsonValue
    """The value the other sources give, in the field's own form."""
    sources: list[RecordId] = Field(default_factory=list)
    """The sources that give this value."""
    note: Text | None = None
    """Why the record adopts its own value, or what would settle the question."""


class Record(Part):
    """Fields every kind has. `references` maps field paths to the kind they point at."""

    kind: ClassVar[str]
    references: ClassVar[dict[str, str]] = {}

    id: RecordId
    """The record's identifier: lower-case words joined by hyphens, unique within its kind."""
    visibility: Visibility = "public"
    """`restricted` keeps the record, and anything that cannot be shown without it, out of
    every public page, answer, feed, export and index."""

    def heading(self) -> str:
        """What a person reads as this record's name in a list."""
        return self.id

    def when(self) -> str | None:
        """The date the record is sorted by on timelines."""
        return getattr(self, "date", None)


class Disputed(Record):
    """A kind whose facts may come from sources that disagree: each declares `disputes`
    last, so files and exports read the adopted values first."""

    @model_validator(mode="after")
    def _disputes_name_fields(self) -> Any:
        names = _disputable(type(self))
        for dispute in getattr(self, "disputes", []):
            if dispute.field.split(".")[0] not in names:
                raise ValueError(
                    f"a dispute names the field {dispute.field!r}, which a {self.kind} "
                    "does not have"
                )
        return self


@cache
def _disputable(cls: type[Record]) -> frozenset[str]:
    """The camelCase names of the fields a dispute may name: worked out once per kind."""
    return frozenset(to_camel(name) for name in cls.model_fields) - {"disputes", "id"}


class Role(Part):
    title: ShortText
    """The office held, as the source names it (`Judge`, `Deputy Prosecutor`)."""
    organisation: RecordId | None = None
    """The actor the office is held at (`icc`)."""
    since: PartialDate | None = None
    """When the person took the office."""
    until: PartialDate | None = None
    """When the person left it."""


class ExternalIds(Part):
    ofac: str | None = None
    """The entry's uid on OFAC's lists."""
    opensanctions: str | None = None
    """The entity's id at OpenSanctions."""
    wikidata: str | None = None
    """The Wikidata item (`Q…`)."""


class Actor(Disputed):
    """A person, state, body or group that imposes measures, is targeted by them, or answers."""

    kind: ClassVar[str] = "actor"
    references: ClassVar[dict[str, str]] = {
        "roles.organisation": "actor",
        "members": "actor",
        "sources": "source",
        "disputes.sources": "source",
    }

    name: ShortText
    """The name people know the actor by, in its usual English form."""
    type: vocab("actor-types")  # type: ignore[valid-type]
    """What kind of actor it is."""
    aliases: list[ShortText] = Field(default_factory=list)
    """Other names and spellings, such as a sanctions list writes them."""
    nationality: list[CountryCode] = Field(default_factory=list)
    """A person's nationalities, as ISO 3166-1 alpha-2 codes."""
    birth_date: PartialDate | None = None
    """A person's date of birth, as precise as the source gives it."""
    birth_date_certainty: vocab("date-certainties") | None = None  # type: ignore[valid-type]
    """How sure `birthDate` is."""
    birth_date_note: ShortText | None = None
    """What `birthDate` rests on."""
    country: CountryCode | None = None
    """For a state: its ISO 3166-1 alpha-2 code. For a body: the country it sits in."""
    region: vocab("un-regions") | None = None  # type: ignore[valid-type]
    """For a state: its UN regional group."""
    rome_statute: vocab("rome-statute-status") | None = None  # type: ignore[valid-type]
    """For a state: where it stands towards the Rome Statute."""
    roles: list[Role] = Field(default_factory=list)
    """Offices the person holds or held."""
    members: list[RecordId] = Field(default_factory=list)
    """For a group: the actors that belong to it, where they are known."""
    member_count: NonNegativeInt | None = None
    """For a group: how many belong to it, where a source gives a count (it may exceed the
    named `members`)."""
    members_note: ShortText | None = None
    """The count as the source words it."""
    external_ids: ExternalIds = ExternalIds()
    """The actor's identifiers in other databases."""
    summary: Text | None = None
    """Who the actor is, in a sentence or two."""
    sources: list[RecordId] = Field(default_factory=list)
    """The sources the facts above rest on."""

    disputes: list[Dispute] = Field(default_factory=list)
    """Where sources disagree: the other values reported for a field, with their sources
    (the field itself holds the value the record adopts)."""

    @model_validator(mode="after")
    def _count_covers_names(self) -> Any:
        return _count_covers_members(self)

    def heading(self) -> str:
        return self.name


def _count_covers_members(record: Any) -> Any:
    if record.member_count is not None and record.member_count < len(record.members):
        raise ValueError(
            f"memberCount {record.member_count} is less than the {len(record.members)} members "
            "named"
        )
    return record


class LegalBasis(Part):
    """What a measure was taken under: a provision in the record, or the text a source gives."""

    provision: RecordId | None = None
    """The provision, when the record holds it."""
    text: ShortText | None = None
    """The instrument as the source names it (`Executive Order 14203`)."""

    @model_validator(mode="after")
    def _names_something(self) -> Any:
        if not (self.provision or self.text):
            raise ValueError("a legal basis names a provision or gives its text")
        return self


class Breach(Part):
    """A rule a measure is said to breach, and who says so."""

    provision: RecordId
    """The rule, as a provision of the record."""
    by: list[RecordId] = Field(default_factory=list)
    """The actors who say the measure breaches it."""
    source: RecordId | None = None
    """Where they say so."""
    note: Text | None = None
    """How the rule is said to be breached."""


class Measure(Disputed):
    """One coercive act against one target. One act against many people is several measures
    sharing an `act`."""

    kind: ClassVar[str] = "measure"
    references: ClassVar[dict[str, str]] = {
        "imposer": "actor",
        "target": "actor",
        "sources": "source",
        "incident": "incident",
        "legalBasis.provision": "provision",
        "breaches.provision": "provision",
        "breaches.by": "actor",
        "breaches.source": "source",
        "disputes.sources": "source",
    }

    type: vocab("measure-types")  # type: ignore[valid-type]
    """What was done."""
    imposer: RecordId
    """The state or body that took the measure."""
    agency: ShortText | None = None
    """The office within the imposer that acted (`Treasury, OFAC`; `Department of State`)."""
    target: RecordId
    """The one actor it was taken against."""
    act: RecordId | None = None
    """An id shared by measures that are one act against several targets (one judgment,
    one list update); pages group them by it."""
    date: PartialDate | None = None
    """When the measure was taken, as precise as the sources are."""
    date_certainty: vocab("date-certainties") | None = None  # type: ignore[valid-type]
    """How sure `date` is."""
    date_note: ShortText | None = None
    """What `date` rests on (`reported on`, `year from context`)."""
    announced: PartialDate | None = None
    """When it was made public, if not the day it was taken."""
    announced_certainty: vocab("date-certainties") | None = None  # type: ignore[valid-type]
    """How sure `announced` is."""
    announced_note: ShortText | None = None
    """What `announced` rests on."""
    effective: PartialDate | None = None
    """When it took effect, if not the day it was taken."""
    effective_certainty: vocab("date-certainties") | None = None  # type: ignore[valid-type]
    """How sure `effective` is."""
    effective_note: ShortText | None = None
    """What `effective` rests on."""
    legal_basis: list[LegalBasis] = Field(default_factory=list)
    """What it was taken under: an order, a statute, an article of a criminal code."""
    program: ShortText | None = None
    """The sanctions program, as the list names it (`ICC-EO14203`)."""
    status: vocab("measure-statuses") = "active"  # type: ignore[valid-type]
    """Where the measure stands now."""
    status_date: PartialDate | None = None
    """Since when it stands so."""
    status_date_certainty: vocab("date-certainties") | None = None  # type: ignore[valid-type]
    """How sure `statusDate` is."""
    status_date_note: ShortText | None = None
    """What `statusDate` rests on."""
    reason: Text | None = None
    """The reason the imposer gave."""
    breaches: list[Breach] = Field(default_factory=list)
    """Rules the measure is said to breach, each with who says so."""
    breach: vocab("breach-types") | None = None  # type: ignore[valid-type]
    """Where a source places the measure on the five-step scale of breach (an assessment:
    the measure's sources must include the one that makes it)."""
    effects: list[Text] = Field(default_factory=list)
    """What the measure did to its target and to others, one effect per item."""
    summary: Text | None = None
    """The measure in a sentence or two."""
    sources: list[RecordId] = Field(default_factory=list)
    """The sources the facts above rest on."""
    incident: RecordId | None = None
    """The incident the measure belongs to."""

    disputes: list[Dispute] = Field(default_factory=list)
    """Where sources disagree: the other values reported for a field, with their sources
    (the field itself holds the value the record adopts)."""

    @model_validator(mode="before")
    @classmethod
    def _from_v1(cls, data: Any) -> Any:
        return upgrade.measure(data)

    def heading(self) -> str:
        return f"{self.type}: {self.target}"


class Speaker(Part):
    """The person who spoke for the actor a response is attributed to."""

    name: ShortText
    """The person's name."""
    role: ShortText | None = None
    """Their role when speaking (`Foreign Minister`, `spokesperson`)."""
    actor: RecordId | None = None
    """The person as an actor of the record, where there is one."""


class Answer(Part):
    """What a response answers: exactly one measure, countermeasure or other response."""

    measure: RecordId | None = None
    """A measure it answers."""
    countermeasure: RecordId | None = None
    """A countermeasure it answers (supports, criticises)."""
    response: RecordId | None = None
    """Another response it answers."""

    @model_validator(mode="after")
    def _one_target(self) -> Any:
        named = [v for v in (self.measure, self.countermeasure, self.response) if v]
        if len(named) != 1:
            raise ValueError("an answer names exactly one of measure, countermeasure, response")
        return self


class Response(Disputed):
    """Something an actor said or did about a measure, as the sources report it."""

    kind: ClassVar[str] = "response"
    references: ClassVar[dict[str, str]] = {
        "actor": "actor",
        "speaker.actor": "actor",
        "members": "actor",
        "answers.measure": "measure",
        "answers.countermeasure": "countermeasure",
        "answers.response": "response",
        "sources": "source",
        "disputes.sources": "source",
    }

    actor: RecordId
    """Whom the response is attributed to: a state, a body, a group."""
    speaker: Speaker | None = None
    """The person who said it, where the sources name them."""
    members: list[RecordId] = Field(default_factory=list)
    """For a joint response: the actors the sources name as joining it. Analysis counts each."""
    member_count: NonNegativeInt | None = None
    """For a joint response: how many joined, where a source gives a count (it may exceed
    the named `members`)."""
    members_note: ShortText | None = None
    """The count as the source words it (`79 States Parties`, `dozens of states`)."""
    date: PartialDate | None = None
    """When it was said or done, as precise as the sources are."""
    date_certainty: vocab("date-certainties") | None = None  # type: ignore[valid-type]
    """How sure `date` is."""
    date_note: ShortText | None = None
    """What `date` rests on (`reported on`, `in the weeks after the order`)."""
    stance: vocab("stances")  # type: ignore[valid-type]
    """What it says about the measure, as the source words it; each stance leans against,
    for, or neither."""
    forum: vocab("forums")  # type: ignore[valid-type]
    """Where it was said: the venue."""
    channel: vocab("channels") = "unknown"  # type: ignore[valid-type]
    """How it was said: the form."""
    answers: list[Answer] = Field(default_factory=list)
    """The measures, countermeasures or responses it answers."""
    quote: ShortText | None = None
    """A few of the speaker's own words, exactly as a source reports them."""
    summary: Text | None = None
    """What was said or done, in our own words."""
    sources: list[RecordId] = Field(default_factory=list)
    """The sources that report it."""

    disputes: list[Dispute] = Field(default_factory=list)
    """Where sources disagree: the other values reported for a field, with their sources
    (the field itself holds the value the record adopts)."""

    @model_validator(mode="before")
    @classmethod
    def _from_v1(cls, data: Any) -> Any:
        return upgrade.response(data)

    @model_validator(mode="after")
    def _count_covers_names(self) -> Any:
        return _count_covers_members(self)

    def answered(self, kind: str) -> list[str]:
        """The ids of the records of one kind this response answers."""
        return [i for a in self.answers if (i := getattr(a, kind))]

    def participants(self) -> list[str]:
        """The actor and every named member: analysis counts each of them."""
        return [self.actor, *(m for m in self.members if m != self.actor)]

    def heading(self) -> str:
        return f"{self.actor}: {self.stance}"


class CountermeasureActor(Part):
    """An actor taking part in a countermeasure, and in what part."""

    actor: RecordId
    """The actor."""
    role: vocab("countermeasure-roles") | None = None  # type: ignore[valid-type]
    """The part it plays."""


class Milestone(Part):
    """A dated step of a countermeasure: a complaint filed, a hearing, a ruling."""

    stage: vocab("milestone-stages")  # type: ignore[valid-type]
    """Which step."""
    date: PartialDate | None = None
    """When, as precise as the sources are."""
    date_certainty: vocab("date-certainties") | None = None  # type: ignore[valid-type]
    """How sure `date` is."""
    date_note: ShortText | None = None
    """What `date` rests on."""
    note: Text | None = None
    """What happened at this step."""
    sources: list[RecordId] = Field(default_factory=list)
    """The sources that report the step."""


class Countermeasure(Disputed):
    """A protection against coercion: a law, a case, a fund, a coalition, proposed or real."""

    kind: ClassVar[str] = "countermeasure"
    references: ClassVar[dict[str, str]] = {
        "actors.actor": "actor",
        "covers": "measure",
        "provisions": "provision",
        "milestones.sources": "source",
        "sources": "source",
        "disputes.sources": "source",
    }

    name: ShortText
    """What the countermeasure is called."""
    layer: vocab("layers")  # type: ignore[valid-type]
    """Which cost of coercion it raises."""
    type: vocab("countermeasure-types")  # type: ignore[valid-type]
    """What kind of protection it is."""
    jurisdiction: Jurisdiction | None = None
    """Where it applies: an ISO country code, or EU, UN, ICC, COE (Council of Europe), INT."""
    actors: list[CountermeasureActor] = Field(default_factory=list)
    """Who takes part in it, each with their part."""
    status: vocab("countermeasure-statuses")  # type: ignore[valid-type]
    """Where it stands now."""
    date: PartialDate | None = None
    """When it began or was proposed."""
    date_certainty: vocab("date-certainties") | None = None  # type: ignore[valid-type]
    """How sure `date` is."""
    date_note: ShortText | None = None
    """What `date` rests on."""
    until: PartialDate | None = None
    """When it ended or lapsed."""
    until_certainty: vocab("date-certainties") | None = None  # type: ignore[valid-type]
    """How sure `until` is."""
    until_note: ShortText | None = None
    """What `until` rests on."""
    milestones: list[Milestone] = Field(default_factory=list)
    """Its dated steps, in order."""
    covers: list[RecordId] = Field(default_factory=list)
    """The measures it protects against."""
    summary: Text | None = None
    """The countermeasure in a sentence or two."""
    provisions: list[RecordId] = Field(default_factory=list)
    """The provisions it rests on or puts in place."""
    sources: list[RecordId] = Field(default_factory=list)
    """The sources the facts above rest on."""

    disputes: list[Dispute] = Field(default_factory=list)
    """Where sources disagree: the other values reported for a field, with their sources
    (the field itself holds the value the record adopts)."""

    @model_validator(mode="before")
    @classmethod
    def _from_v1(cls, data: Any) -> Any:
        return upgrade.countermeasure(data)

    def actor_ids(self, role: str | None = None) -> list[str]:
        """The actors taking part, or those in one role."""
        return [a.actor for a in self.actors if role is None or a.role == role]

    def heading(self) -> str:
        return self.name


IN_FORCE = frozenset({"in-force", "adopted", "granted", "under-way", "issued"})
"""Countermeasure statuses that mean a protection is actually working, not just proposed."""


class Certificate(Part):
    """The TLS certificate a site presented when it was captured: who vouched for it, and
    for how long."""

    sha256: str
    """The SHA-256 of the certificate (DER), in hex."""
    subject: ShortText
    """Whom it was issued to (RFC 4514)."""
    issuer: ShortText
    """Who issued it (RFC 4514)."""
    not_before: str
    """Valid from (UTC)."""
    not_after: str
    """Valid until (UTC)."""


class Archive(Part):
    """A source's kept copy: what was captured, when, by whom and how, with the digests that
    find its files in every mirror."""

    sha256: str | None = None
    """The SHA-256 of the copy kept (the document's bytes)."""
    warc_record: str | None = None
    """The WARC record holding the capture."""
    mirrors: list[str] = Field(default_factory=list)
    """Where copies were written when it was captured."""
    retrieved_at: str | None = None
    """When the copy was made (UTC)."""
    capture: str | None = None
    """The capture's own identifier; its digest is a leaf of the log."""
    wacz: str | None = None
    """The SHA-256 of the WACZ package holding the capture."""
    requested: str | None = None
    """What was asked for: a URL, or `file:` and the file's name."""
    final_url: Url | None = None
    """Where the document was read after any redirects."""
    status: int | None = None
    """The HTTP status of the final answer."""
    headers: list[list[str]] = Field(default_factory=list)
    """The final answer's HTTP headers, as name and value."""
    certificates: list[Certificate] = Field(default_factory=list)
    """The TLS certificate chain presented and verified, leaf first, for an https
    capture."""
    media_type: ShortText | None = None
    """The document's media type."""
    size: int | None = None
    """The document's size in bytes."""
    extracted_text: Text | None = None
    """The text extracted for search (trafilatura for HTML, pypdf for PDF), cut at 100,000
    characters: the document's words, not the record's."""
    tool: ShortText | None = None
    """The program and version that made the capture."""
    captured_by: ShortText | None = None
    """Who made the capture."""


class ListReference(Part):
    """Where a fact taken from a sanctions list file stands in that list."""

    list: ShortText
    """The list's name (`OFAC SDN`)."""
    uid: ShortText
    """The entry's identifier in the list."""
    file: ShortText | None = None
    """The file the entry was read from."""


class Source(Disputed):
    """A document the record rests on: an article, a statement, a legal text, a list entry."""

    kind: ClassVar[str] = "source"
    references: ClassVar[dict[str, str]] = {"disputes.sources": "source"}

    title: ShortText
    """The document's title."""
    type: vocab("source-types")  # type: ignore[valid-type]
    """What kind of document it is."""
    url: Url | None = None
    """Where it can be read."""
    publisher: ShortText | None = None
    """Who published it."""
    published: PartialDate | None = None
    """When it was published; for a list entry, the list's publish date."""
    published_certainty: vocab("date-certainties") | None = None  # type: ignore[valid-type]
    """How sure `published` is."""
    published_note: ShortText | None = None
    """What `published` rests on."""
    language: LanguageTag | None = None
    """The document's language (BCP 47)."""
    list_entry: ListReference | None = None
    """For a sanctions-list source: the entry it cites."""
    archive: Archive | None = None
    """The kept copy."""
    text: Text | None = None
    """What the document says, in brief and in our own words."""

    disputes: list[Dispute] = Field(default_factory=list)
    """Where sources disagree: the other values reported for a field, with their sources
    (the field itself holds the value the record adopts)."""

    def heading(self) -> str:
        return self.title

    def when(self) -> str | None:
        return self.published


class Provision(Disputed):
    """A rule of law: an article of a treaty or statute, a principle of customary law."""

    kind: ClassVar[str] = "provision"
    references: ClassVar[dict[str, str]] = {
        "sources": "source",
        "disputes.sources": "source",
    }

    instrument: ShortText
    """The treaty, statute or body of law (`Rome Statute`)."""
    article: ShortText | None = None
    """The article or paragraph (`Art. 70`)."""
    identifiers: list[ShortText] = Field(default_factory=list)
    """Formal identifiers (`Council Regulation (EC) No 2271/96`, `CELEX 31996R2271`)."""
    aliases: list[ShortText] = Field(default_factory=list)
    """Names it goes by (`EU Blocking Statute`)."""
    jurisdiction: Jurisdiction | None = None
    """Where it applies: an ISO country code, or EU, UN, ICC, COE, INT."""
    url: Url | None = None
    """Where its text can be read."""
    summary: Text | None = None
    """What it provides, in our own words."""
    sources: list[RecordId] = Field(default_factory=list)
    """The sources the facts above rest on."""

    disputes: list[Dispute] = Field(default_factory=list)
    """Where sources disagree: the other values reported for a field, with their sources
    (the field itself holds the value the record adopts)."""

    def heading(self) -> str:
        """`Rome Statute, Art. 70`; without an article, the instrument and the name it goes
        by here (`Rome Statute (complementarity)`), so that headings tell provisions apart."""
        if self.article:
            return f"{self.instrument}, {self.article}"
        return f"{self.instrument} ({self.aliases[0]})" if self.aliases else self.instrument
