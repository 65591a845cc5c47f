"""The one place that decides what may be shown to the public.

A restricted record is never shown. A public record that points at a restricted one is
shown without that pointer, or withheld entirely when the pointer is required (a public
measure cannot name a protected person as its target).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from typing import Any, TypeVar

from .kinds import field_name
from .records import Record

R = TypeVar("R", bound=Record)

Key = tuple[str, str]


def is_public(record: Record) -> bool:
    return record.visibility == "public"


def project(record: R, restricted: Container[Key]) -> R | None:
    """The public view of a record, or None when it must not be shown at all."""
    if not is_public(record):
        return None
    changes: dict[str, Any] = {}
    for path, kind in type(record).references.items():
        head, _, rest = path.partition(".")
        name = field_name(type(record), head)
        value = getattr(record, name)
        if rest:
            if isinstance(value, list):
                changes[name] = [_without(part, rest, kind, restricted) for part in value]
            continue
        if isinstance(value, list):
            kept = [v for v in value if (kind, v) not in restricted]
            if len(kept) != len(value):
                changes[name] = kept
        elif value is not None and (kind, value) in restricted:
            if type(record).model_fields[name].is_required():
                return None
            changes[name] = None
    return record.model_copy(update=changes) if changes else record


def _without(part: Any, alias: str, kind: str, restricted: Container[Key]) -> Any:
    name = field_name(type(part), alias)
    if (kind, getattr(part, name)) in restricted:
        return part.model_copy(update={name: None})
    return part


def public_view(records: Iterable[R], restricted: Container[Key]) -> Iterator[R]:
    """Every public output (export, page, API, feed) passes its records through here."""
    for record in records:
        shown = project(record, restricted)
        if shown is not None:
            yield shown
