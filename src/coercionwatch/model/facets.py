"""What lists filter, count and sort by, read from `facets.yaml` (schema as data).

Each record yields facet values, (facet, value, kind pointed at) triples; the store keeps
them in its facet table beside the version, so a list, its filters and its counts are
indexed queries whatever the size of the record.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, get_args

import yaml

from .kinds import KINDS, annotation_of, field_name
from .labels import label
from .states import regional_group
from .types import CountryCode, Jurisdiction
from .vocabulary import SAFE_LOADER

if TYPE_CHECKING:
    from .records import Record

FacetValue = tuple[str, str, str | None]
"""(facet, value, kind of the record the value names, or None)."""

COLUMNS = ("type", "status")
"""The columns of `records` a facet may also be written to, for sorting."""


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    fields: tuple[str, ...] = ()
    year: bool = False
    via: str | None = None
    points: str | None = None
    column: str | None = None
    counted: bool = True
    regions: bool = False
    """The fields hold ISO country codes, and the facet is their states' UN regional groups."""


@cache
def facets() -> dict[str, dict[str, Facet]]:
    """Every kind's facets, by name, in the order lists show them."""
    text = (files("coercionwatch.model") / "facets.yaml").read_text("utf-8")
    declared = yaml.load(text, Loader=SAFE_LOADER)
    found: dict[str, dict[str, Facet]] = {}
    for kind, entries in declared.items():
        if kind not in KINDS:
            raise ValueError(f"facets.yaml: {kind!r} is not a record kind")
        found[kind] = {}
        for name, spec in entries.items():
            facet = Facet(
                name=name,
                label=spec["label"],
                fields=tuple(spec.get("fields", ())),
                year=bool(spec.get("year", False)),
                via=spec.get("via"),
                points=spec.get("points"),
                column=spec.get("column"),
                counted=bool(spec.get("counted", True)),
                regions=bool(spec.get("regions", False)),
            )
            if facet.column is not None and facet.column not in COLUMNS:
                raise ValueError(f"facets.yaml: {kind}.{name} names no column of records")
            if facet.via is not None and facet.via not in KINDS[kind].references:
                raise ValueError(
                    f"facets.yaml: {kind}.{name} reads via a field that points nowhere"
                )
            found[kind][name] = facet
    return found


def facets_of(kind: str) -> dict[str, Facet]:
    return facets().get(kind, {})


def via_fields(kind: str) -> tuple[str, ...]:
    """The pointer fields whose actors this kind's facets read."""
    return tuple(dict.fromkeys(f.via for f in facets_of(kind).values() if f.via))


def holds_codes(kind: str, facet: Facet) -> bool:
    """Whether the facet's values are ISO country codes (or jurisdictions), which are
    written in capitals: a filter asked in lower case means the same code."""
    if facet.regions:
        return False  # read from codes, but its values are regional groups
    owner = KINDS[KINDS[kind].references[facet.via]] if facet.via else KINDS[kind]
    infos = [owner.model_fields.get(field_name(owner, path)) for path in facet.fields]
    return bool(infos) and all(
        info is not None and _holds_codes(annotation_of(info)) for info in infos
    )


def _holds_codes(annotation: Any) -> bool:
    if annotation in (CountryCode, Jurisdiction):
        return True
    return any(_holds_codes(arg) for arg in get_args(annotation) if arg is not type(None))


def values_at(body: Mapping[str, Any], path: str) -> list[Any]:
    """The values at a dotted path of a stored body, lists flattened."""
    found: list[Any] = [body]
    for key in path.split("."):
        inner: list[Any] = []
        for value in found:
            item = value.get(key) if isinstance(value, dict) else None
            if isinstance(item, list):
                inner.extend(item)
            elif item is not None:
                inner.append(item)
        found = inner
    return found


def facet_text(value: Any) -> str | None:
    """A stored value as the facet table keeps it: `true`/`false`, digits, or the text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    return None


def facet_values(
    kind: str,
    body: Mapping[str, Any],
    when: str | None,
    related: Mapping[str, Mapping[str, Any]],
) -> Iterator[FacetValue]:
    """A record's facet values; `related` holds the bodies of the records its `via` fields
    point at, by field (an absent one gives no values)."""
    for facet in facets_of(kind).values():
        source = related.get(facet.via) if facet.via else body
        seen: set[str] = set()
        if facet.year:
            if when:
                seen.add(when[:4])
        elif source is not None:
            for path in facet.fields:
                seen.update(t for v in values_at(source, path) if (t := facet_text(v)) is not None)
            if facet.regions:
                seen = {group for code in seen if (group := regional_group(code))}
        for value in sorted(seen):
            yield facet.name, value, facet.points


def column_values(kind: str, values: list[FacetValue]) -> dict[str, str]:
    """The sort columns of `records` for these facet values: the first value of each."""
    chosen = {column: "" for column in COLUMNS}
    for facet in facets_of(kind).values():
        if facet.column:
            first = next((v for name, v, _ in values if name == facet.name), "")
            chosen[facet.column] = first
    return chosen


def readable_name(record: Record, related: Mapping[str, Mapping[str, Any]]) -> str:
    """The name a reader sees on a record's card, as `publish.view.title_of` writes it: a
    measure by its type's label and its target's name, a response by its actor's name and
    its stance's label; `related` holds the bodies its `via` fields point at, by field (an
    absent one is named by its id)."""
    if record.kind == "measure":
        what = label("measure", "type", record.type)  # type: ignore[attr-defined]
        return f"{what}: {_name(related, 'target', record.target)}"  # type: ignore[attr-defined]
    if record.kind == "response":
        who = _name(related, "actor", record.actor)  # type: ignore[attr-defined]
        return f"{who}: {label('response', 'stance', record.stance).lower()}"  # type: ignore[attr-defined]
    return record.heading()


def _name(related: Mapping[str, Mapping[str, Any]], field: str, record_id: str) -> str:
    name = related.get(field, {}).get("name")
    return name if isinstance(name, str) else record_id


def sort_name(name: str) -> str:
    """A name as lists sort it: case and accents folded away, so that `émile` and `Emile`
    sit together, before `Zoe`, and both databases order it alike by its bytes."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
