"""The incident: a narrative record in exactly the seed format (`shared/seeds/003_*`).

Fields a person writes are stored; fields that follow from them (labels, display dates,
counts, url, citation) are computed on export, so they can never disagree with the record.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, NonNegativeInt, model_validator

from .records import Part, Record
from .types import FullDate, Html, PartialDate, RecordId, ShortText, Text, Url, display_date, vocab
from .vocabulary import vocabulary

SEED_KEYS: tuple[str, ...] = (
    "slug",
    "title",
    "url",
    "date",
    "lastUpdated",
    "displayDate",
    "displayLastUpdated",
    "summary",
    "category",
    "categoryLabel",
    "severity",
    "severityLabel",
    "posture",
    "postureLabel",
    "ongoing",
    "victims",
    "perpetrators",
    "structuredVictims",
    "structuredPerpetrators",
    "legalBasis",
    "tags",
    "keyPoints",
    "sourceCount",
    "documentCount",
    "updateCount",
    "warCrimeClassification",
    "internationalLaw",
    "civilianCasualties",
    "iccRelevance",
    "legalAnalyses",
    "description",
    "postureNote",
    "relatedIncidents",
    "sources",
    "documents",
    "timeline",
    "updateLog",
    "contentHtml",
    "citation",
)
"""Every key of the seed record, in the order the seed format writes them."""

DERIVED_KEYS: frozenset[str] = frozenset(
    {
        "url",
        "displayDate",
        "displayLastUpdated",
        "categoryLabel",
        "severityLabel",
        "postureLabel",
        "sourceCount",
        "documentCount",
        "updateCount",
        "citation",
    }
)


class LawCited(Part):
    statute: ShortText
    """The treaty or statute (`Rome Statute`)."""
    article: ShortText | None = None
    """The article (`Article 70`)."""
    provision: Text
    """What the article provides, as it bears on the incident."""


class LegalAnalysis(Part):
    title: ShortText
    """The analysis's title."""
    url: Url | None = None
    """Where it can be read."""
    organization: ShortText | None = None
    """Who wrote or published it."""


class SourceLink(Part):
    url: Url | None = None
    """Where the source can be read."""
    title: ShortText
    """Its title."""
    publisher: ShortText | None = None
    """Who published it."""


class TimelineEvent(Part):
    date: PartialDate
    """When it happened."""
    title: ShortText
    """What happened, in a line."""
    summary: Text | None = None
    """More about it."""


class UpdateNote(Part):
    date: FullDate
    """The day the incident was updated."""
    summary: Text
    """What changed."""


class Incident(Record):
    """A narrative record of one incident, in the seed tracker's format: labels, display
    dates, counts, url and citation are computed on export."""

    kind: ClassVar[str] = "incident"
    references: ClassVar[dict[str, str]] = {}
    soft_references: ClassVar[dict[str, str]] = {"relatedIncidents": "incident"}

    site: Url | None = None
    """Where the tracker that wrote the file publishes it; taken from a seed envelope."""
    slug: RecordId
    """The incident's id in its URL; `id` is set from it."""
    title: ShortText
    """The incident's title."""
    date: PartialDate
    """When the incident began."""
    last_updated: PartialDate | None = None
    """When the record was last revised by its authors (journal updates count too)."""
    summary: Text
    """The incident in a paragraph."""
    category: vocab("categories")  # type: ignore[valid-type]
    """What kind of attack it is."""
    severity: vocab("severities")  # type: ignore[valid-type]
    """How grave it is."""
    posture: vocab("postures")  # type: ignore[valid-type]
    """How firmly the facts are established."""
    ongoing: bool = False
    """Whether it is still going on."""
    victims: Text | None = None
    """Who was targeted, in words."""
    perpetrators: Text | None = None
    """Who acted, in words."""
    structured_victims: list[Any] = Field(default_factory=list)
    """Victims as structured entries, kept as the tracker wrote them."""
    structured_perpetrators: list[Any] = Field(default_factory=list)
    """Perpetrators as structured entries, kept as the tracker wrote them."""
    legal_basis: Text | None = None
    """What the acts were done under, in words."""
    tags: list[ShortText] = Field(default_factory=list)
    """Free keywords."""
    key_points: list[Text] = Field(default_factory=list)
    """The main facts, one per item."""
    war_crime_classification: vocab("war-crime-classifications") | None = None  # type: ignore[valid-type]
    """How the conduct relates to war crimes."""
    international_law: list[LawCited] = Field(default_factory=list)
    """Provisions of international law the incident engages."""
    civilian_casualties: NonNegativeInt | None = None
    """Civilians killed or injured, where counted."""
    icc_relevance: bool | None = None
    """Whether the incident bears on the ICC."""
    legal_analyses: list[LegalAnalysis] = Field(default_factory=list)
    """Analyses of the incident by lawyers or scholars."""
    description: Text | None = None
    """The full account."""
    posture_note: Text | None = None
    """What the posture rests on, and what is still unconfirmed."""
    related_incidents: list[RecordId] = Field(default_factory=list)
    """Other incidents it is linked to (checked with a warning only: a tracker may name
    incidents this record lacks)."""
    sources: list[SourceLink] = Field(default_factory=list)
    """The sources the account rests on."""
    documents: list[dict[str, Any]] = []
    """Documents attached by the tracker, kept as it wrote them."""
    timeline: list[TimelineEvent] = Field(default_factory=list)
    """Dated events, in order."""
    update_log: list[UpdateNote] = Field(default_factory=list)
    """Revisions written in the file; the journal adds its own."""
    content_html: Html | None = None
    """The account as HTML, cleaned before it is shown."""

    @model_validator(mode="before")
    @classmethod
    def _id_is_slug(cls, data: Any) -> Any:
        if isinstance(data, dict) and "slug" in data:
            if "id" not in data:
                return {**data, "id": data["slug"]}
            if data["id"] != data["slug"]:
                raise ValueError("an incident's id and slug must be the same")
        return data

    def heading(self) -> str:
        return self.title

    def last_update(self, update_log: list[UpdateNote]) -> str:
        """The `lastUpdated` an export writes, given every update note (the record's own and
        the journal's)."""
        return max([self.last_updated or self.date, *(u.date for u in update_log)])

    def derived(self, site: str, update_log: list[UpdateNote]) -> dict[str, Any]:
        """The seed format's computed fields, given where it is published and its updates."""
        last = self.last_update(update_log)
        url = f"{site.rstrip('/')}/incident/{self.slug}"
        return {
            "url": url,
            "lastUpdated": last,
            "displayDate": display_date(self.date),
            "displayLastUpdated": display_date(last),
            "categoryLabel": vocabulary("categories").label(self.category),
            "severityLabel": vocabulary("severities").label(self.severity),
            "postureLabel": vocabulary("postures").label(self.posture),
            "sourceCount": len(self.sources),
            "documentCount": len(self.documents),
            "updateCount": len(update_log),
            "updateLog": [u.model_dump(by_alias=True) for u in update_log],
            "citation": (
                f"{self.title}. {url}. Published {display_date(self.date)}. "
                f"Updated {display_date(last)}."
            ),
        }

    def seed_record(self, site: str, journal_updates: list[UpdateNote]) -> dict[str, Any]:
        """The record as the seed format writes it, keys in the seed's order."""
        stored = self.model_dump(mode="json", by_alias=True, exclude={"id", "site", "visibility"})
        for key in ("internationalLaw", "legalAnalyses", "sources", "timeline"):
            stored[key] = [{k: v for k, v in item.items() if v is not None} for item in stored[key]]
        values = {**stored, **self.derived(site, [*self.update_log, *journal_updates])}
        return {key: values[key] for key in SEED_KEYS}
