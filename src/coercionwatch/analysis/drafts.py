"""Draft records from a list change: a designation measure (and its target, when the record
does not know them yet) for each relevant addition; `lifted` for each relevant removal.

Drafts are written as proposals (see `store.proposals`): nothing a machine inferred from a
list becomes current, or public, until a person has read and accepted it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from anyascii import anyascii

from coercionwatch.model import Actor, LegalBasis, Measure, Record, Source
from coercionwatch.model.lists import ListEntry, ListSnapshot
from coercionwatch.model.vocabulary import SAFE_LOADER

ACTOR_TYPES = {
    "individual": "person",
    "entity": "organisation",
    "vessel": "organisation",
    "aircraft": "organisation",
}


@cache
def program_data() -> dict[str, Any]:
    text = files("coercionwatch.analysis").joinpath("programs.yaml").read_text("utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)


def followed_programs() -> list[str]:
    return list(program_data()["followed"])


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")[:120] or "unnamed"


def snapshot_source(snapshot: ListSnapshot) -> Source:
    label = program_data()["lists"].get(snapshot.list_name, {}).get("label", snapshot.list_name)
    when = snapshot.published or "undated"
    return Source(
        id=f"list-{slug(snapshot.list_name)}-{snapshot.published or snapshot.sha256[:12]}",
        type="sanctions-list",
        title=f"{label}, {when} ({snapshot.format})",
        published=snapshot.published,
        archive={"sha256": snapshot.sha256},
    )


@dataclass
class DraftMeasure:
    measure: Measure
    target: Actor | None
    """A new actor drafted along with the measure, or None when the record knew them."""


def external_ids(list_name: str, entry: ListEntry) -> dict[str, str]:
    return (
        {"ofac": entry.entry_id}
        if list_name.startswith("ofac")
        else {"opensanctions": entry.entry_id}
    )


def draft_designation(
    entry: ListEntry, snapshot: ListSnapshot, source: Source, target_id: str | None, date: str
) -> DraftMeasure:
    data = program_data()
    program = next((p for p in entry.programs if p in data["programs"]), None)
    details = data["programs"].get(program, {}) if program else {}
    imposer = details.get("imposer") or data["lists"].get(snapshot.list_name, {}).get("imposer")
    target = None
    if target_id is None:
        target = Actor(
            id=slug(entry.name),
            name=entry.name,
            type=ACTOR_TYPES.get(entry.type, "organisation"),
            aliases=entry.aliases[:20],
            nationality=entry.nationalities,
            birth_date=entry.birth_dates[0] if len(entry.birth_dates) == 1 else None,
            external_ids=external_ids(snapshot.list_name, entry),
            sources=[source.id],
            summary=f"Listed on {snapshot.list_name} as entry {entry.entry_id}.",
        )
        target_id = target.id
    measure = Measure(
        id=f"designation-{slug(snapshot.list_name)}-{slug(entry.entry_id)}",
        type="designation",
        imposer=imposer or "unknown-imposer",
        target=target_id,
        date=date,
        legal_basis=[LegalBasis(text=t) for t in [details.get("authority")] if t],
        program=program or ", ".join(entry.programs) or None,
        status="active",
        sources=[source.id],
        summary=(
            f"Entry {entry.entry_id} ({entry.name}) was added to {snapshot.list_name} "
            f"under {', '.join(entry.programs) or 'no stated program'}."
        ),
    )
    return DraftMeasure(measure, target)


def lifted(measure: Measure, date: str, source: Source) -> Record:
    return measure.model_copy(
        update={
            "status": "lifted",
            "status_date": date,
            "sources": list(dict.fromkeys([*measure.sources, source.id])),
        }
    )
