"""The one place that decides what may be shown to the public.

A restricted record is never shown. A record that cannot be shown without naming a withheld
one (a measure whose target is a protected person) is withheld too, and so on to a fixed
point: the withheld set. A shown record loses every pointer into that set, soft references
(such as an incident's `relatedIncidents`) included, so no public output carries so much as
the id of something withheld.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from functools import cache
from typing import Any, TypeVar

from .kinds import KINDS, field_name
from .records import Record

R = TypeVar("R", bound=Record)

Key = tuple[str, str]
"""(kind, id) of a record."""

Edge = tuple[str, str, str, str, str]
"""(from kind, from id, field path, to kind, to id): one pointer, as the store keeps them."""


def is_public(record: Record) -> bool:
    return record.visibility == "public"


def pointer_fields(cls: type[Record]) -> dict[str, str]:
    """Every field path of a kind that holds ids of other records, soft ones included."""
    return {**cls.references, **getattr(cls, "soft_references", {})}


@cache
def required_references() -> frozenset[tuple[str, str]]:
    """(kind, field) pairs a record cannot be shown without: a single, required pointer."""
    found = set()
    for kind, cls in KINDS.items():
        for path in cls.references:
            if "." in path:
                continue
            info = cls.model_fields[field_name(cls, path)]
            if info.is_required() and getattr(info.annotation, "__origin__", None) is not list:
                found.add((kind, path))
    return frozenset(found)


def withheld_set(restricted: Iterable[Key], edges: Iterable[Edge]) -> set[Key]:
    """Restricted records and, to a fixed point, every record that requires a withheld one."""
    required = required_references()
    needed_by: dict[Key, list[Key]] = {}
    for from_kind, from_id, path, to_kind, to_id in edges:
        if (from_kind, path) in required:
            needed_by.setdefault((to_kind, to_id), []).append((from_kind, from_id))
    withheld = set(restricted)
    pending = list(withheld)
    while pending:
        for dependant in needed_by.get(pending.pop(), ()):
            if dependant not in withheld:
                withheld.add(dependant)
                pending.append(dependant)
    return withheld


def project(record: R, withheld: Collection[Key]) -> R | None:
    """The public view of a record, or None when it must not be shown at all."""
    if not is_public(record) or (record.kind, record.id) in withheld:
        return None
    if not withheld:
        return record
    shown: Any = record
    for path, kind in pointer_fields(type(record)).items():
        shown = _without(shown, path.split("."), kind, withheld)
        if shown is None:
            return None
    return shown


def _without(part: Any, path: list[str], kind: str, withheld: Collection[Key]) -> Any:
    """`part` with no pointer into `withheld` at `path`; None if it cannot stand without one
    (a required single pointer: a measure's target, a breach's provision)."""
    name = field_name(type(part), path[0])
    value = getattr(part, name)
    if len(path) == 1:
        if isinstance(value, list):
            kept = [v for v in value if (kind, v) not in withheld]
            return part if len(kept) == len(value) else part.model_copy(update={name: kept})
        if value is None or (kind, value) not in withheld:
            return part
        if type(part).model_fields[name].is_required():
            return None
        return _unless_invalid(part.model_copy(update={name: None}))
    if isinstance(value, list):
        kept = [k for v in value if (k := _without(v, path[1:], kind, withheld)) is not None]
        if kept == value:
            return part
        return part.model_copy(update={name: kept})
    if value is None:
        return part
    inner = _without(value, path[1:], kind, withheld)
    if inner is value:
        return part
    if inner is None and type(part).model_fields[name].is_required():
        return None
    return part.model_copy(update={name: inner})


def _unless_invalid(part: Any) -> Any:
    """A nested part that no longer holds together without the pointer (an answer naming
    nothing) goes with it; a record keeps its other fields."""
    if isinstance(part, Record):
        return part
    try:
        type(part).model_validate(part.model_dump())
    except ValueError:
        return None
    return part


def public_view(records: Iterable[R], withheld: Collection[Key]) -> Iterator[R]:
    """Every public output (export, page, API, feed) passes its records through here."""
    for record in records:
        shown = project(record, withheld)
        if shown is not None:
            yield shown
