"""What every page module shares: the Page itself and how a record is summarised."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from coercionwatch.model import IN_FORCE, Record, stored_body, vocabulary_fields
from coercionwatch.model.labels import label
from coercionwatch.publish.links import SECTIONS

__all__ = ["IN_FORCE", "Names", "Page", "card", "label", "section_of", "title_of"]
from coercionwatch.publish.public import Snapshot


class Names(Protocol):
    """Where a record's name is looked up: the public snapshot, or the whole store."""

    def name(self, kind: str, record_id: str) -> str: ...


@dataclass
class Page:
    template: str
    title: str
    path: str
    data: dict[str, Any] = field(default_factory=dict)


def title_of(record: Record, names: Names) -> str:
    """A heading people can read: measures and responses are named through their actors.
    Pages look names up in the public snapshot; the command line, in the store."""
    if record.kind == "measure":
        what = label("measure", "type", record.type)  # type: ignore[attr-defined]
        return f"{what}: {names.name('actor', record.target)}"  # type: ignore[attr-defined]
    if record.kind == "response":
        who = names.name("actor", record.actor)  # type: ignore[attr-defined]
        return f"{who}: {label('response', 'stance', record.stance).lower()}"  # type: ignore[attr-defined]
    return record.heading()


def card(record: Record, snapshot: Snapshot) -> dict[str, Any]:
    """A record as a list shows it."""
    body = stored_body(record)
    shown = {
        "kind": record.kind,
        "id": record.id,
        "title": title_of(record, snapshot),
        "date": record.when(),
        "summary": body.get("summary"),
    }
    for name in vocabulary_fields(type(record)):
        if name in body:
            shown[name] = body[name]
            shown[f"{name}Label"] = label(record.kind, name, body[name])
    if record.kind == "incident":
        shown["tags"] = body.get("tags", [])
        shown["ongoing"] = body.get("ongoing", False)
    return shown


def section_of(kind: str) -> str:
    return SECTIONS[kind]
