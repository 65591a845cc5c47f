"""What every page module shares: the Page itself and how a record is summarised."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coercionwatch.model import (
    IN_FORCE,
    KINDS,
    Record,
    stored_body,
    vocabulary,
    vocabulary_fields,
)
from coercionwatch.publish.links import SECTIONS

__all__ = ["IN_FORCE", "Page", "card", "label", "section_of", "title_of"]
from coercionwatch.publish.public import Snapshot


@dataclass
class Page:
    template: str
    title: str
    path: str
    data: dict[str, Any] = field(default_factory=dict)


def label(kind: str, name: str, value: Any) -> Any:
    """A vocabulary term as people read it; any other value as it is."""
    vocab = vocabulary_fields(KINDS[kind]).get(name)
    if vocab and isinstance(value, str) and value in vocabulary(vocab):
        return vocabulary(vocab).label(value)
    return value


def title_of(record: Record, snapshot: Snapshot) -> str:
    """A heading people can read: measures and responses are named through their actors."""
    if record.kind == "measure":
        what = label("measure", "type", record.type)  # type: ignore[attr-defined]
        return f"{what}: {snapshot.name('actor', record.target)}"  # type: ignore[attr-defined]
    if record.kind == "response":
        who = snapshot.name("actor", record.actor)  # type: ignore[attr-defined]
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
