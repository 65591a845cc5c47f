"""What every page module shares: the Page itself and how a record is summarised."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from coercionwatch.model import IN_FORCE, Incident, Record, vocabulary_fields
from coercionwatch.model.kinds import field_name
from coercionwatch.model.labels import label
from coercionwatch.publish.links import SECTIONS
from coercionwatch.publish.view import Names, PublicView, title_names, title_of

__all__ = ["IN_FORCE", "Names", "Page", "card", "cards", "label", "section_of", "title_of"]

KIND_TITLES = {
    "incident": "Incidents",
    "actor": "Actors",
    "measure": "Measures",
    "response": "Responses",
    "countermeasure": "Countermeasures",
    "provision": "Provisions",
    "source": "Sources",
}


@dataclass
class Page:
    template: str
    title: str
    path: str
    data: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    """What a static build writes beside the page, by path from the site's root: the CSVs
    of what it shows, made from the same figures and pictures the page was."""


def card(record: Record, view: PublicView) -> dict[str, Any]:
    """A record as a list shows it: read from the record's fields, not its whole JSON, as
    a build makes some fifty thousand cards."""
    shown = {
        "kind": record.kind,
        "id": record.id,
        "title": title_of(record, view),
        "date": record.when(),
        "summary": getattr(record, "summary", None),
    }
    for name, attribute in _terms(type(record)):
        value = getattr(record, attribute)
        if value is not None:
            shown[name] = value
            shown[f"{name}Label"] = label(record.kind, name, value)
    if isinstance(record, Incident):
        shown["tags"] = record.tags
        shown["ongoing"] = record.ongoing
    return shown


@cache
def _terms(cls: type) -> tuple[tuple[str, str], ...]:
    """(field, attribute) of each of a kind's fields whose values are vocabulary terms."""
    return tuple((name, field_name(cls, name)) for name in vocabulary_fields(cls))


def cards(records: Iterable[Record], view: PublicView) -> list[dict[str, Any]]:
    """Cards of several records, the names they show looked up in one query."""
    records = list(records)
    view.learn_names(title_names(records))
    return [card(r, view) for r in records]


def section_of(kind: str) -> str:
    return SECTIONS[kind]
