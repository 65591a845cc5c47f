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
    article: ShortText | None = None
    provision: Text


class LegalAnalysis(Part):
    title: ShortText
    url: Url | None = None
    organization: ShortText | None = None


class SourceLink(Part):
    url: Url | None = None
    title: ShortText
    publisher: ShortText | None = None


class TimelineEvent(Part):
    date: PartialDate
    title: ShortText
    summary: Text | None = None


class UpdateNote(Part):
    date: FullDate
    summary: Text


class Incident(Record):
    kind: ClassVar[str] = "incident"
    references: ClassVar[dict[str, str]] = {}
    soft_references: ClassVar[dict[str, str]] = {"relatedIncidents": "incident"}
    """Checked with a warning only: a seed from another tracker names incidents we lack."""

    site: Url | None = None
    slug: RecordId
    title: ShortText
    date: PartialDate
    last_updated: PartialDate | None = None
    summary: Text
    category: vocab("categories")  # type: ignore[valid-type]
    severity: vocab("severities")  # type: ignore[valid-type]
    posture: vocab("postures")  # type: ignore[valid-type]
    ongoing: bool = False
    victims: Text | None = None
    perpetrators: Text | None = None
    structured_victims: list[Any] = Field(default_factory=list)
    structured_perpetrators: list[Any] = Field(default_factory=list)
    legal_basis: Text | None = None
    tags: list[ShortText] = Field(default_factory=list)
    key_points: list[Text] = Field(default_factory=list)
    war_crime_classification: vocab("war-crime-classifications") | None = None  # type: ignore[valid-type]
    international_law: list[LawCited] = Field(default_factory=list)
    civilian_casualties: NonNegativeInt | None = None
    icc_relevance: bool | None = None
    legal_analyses: list[LegalAnalysis] = Field(default_factory=list)
    description: Text | None = None
    posture_note: Text | None = None
    related_incidents: list[RecordId] = Field(default_factory=list)
    sources: list[SourceLink] = Field(default_factory=list)
    documents: list[dict[str, Any]] = []
    timeline: list[TimelineEvent] = Field(default_factory=list)
    update_log: list[UpdateNote] = Field(default_factory=list)
    content_html: Html | None = None

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

    def derived(self, site: str, update_log: list[UpdateNote]) -> dict[str, Any]:
        """The seed format's computed fields, given where it is published and its updates."""
        last = max([self.last_updated or self.date, *(u.date for u in update_log)])
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
