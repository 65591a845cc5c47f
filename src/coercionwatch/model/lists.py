"""Entries of official sanctions lists, read from any of their formats into one shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from .canonical import content_hash

COMPARED_FIELDS = (
    "name",
    "type",
    "programs",
    "aliases",
    "addresses",
    "identifiers",
    "birth_dates",
    "nationalities",
    "remarks",
    "title",
)
"""What an amendment is reported on, field by field."""


@dataclass(slots=True)
class ListEntry:
    """One listed person, entity, vessel or aircraft, as the list itself states it."""

    entry_id: str
    name: str
    type: str = "unknown"
    programs: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    remarks: str | None = None
    title: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ENTRY_FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ListEntry:
        return cls(**data)

    def digest(self) -> str:
        return content_hash(self)  # orjson writes a dataclass in field order: deterministic


ENTRY_FIELDS = tuple(f.name for f in fields(ListEntry))


class ListRow:
    """An entry's id and digest, with the entry itself parsed only when asked for: a watch
    needs the parsed entry only for what changed."""

    __slots__ = ("_entry", "_parse", "digest", "entry_id")

    def __init__(
        self,
        entry_id: str,
        digest: str,
        entry: ListEntry | None = None,
        parse: Callable[[], ListEntry] | None = None,
    ) -> None:
        self.entry_id, self.digest, self._entry, self._parse = entry_id, digest, entry, parse

    @classmethod
    def of(cls, entry: ListEntry) -> ListRow:
        return cls(entry.entry_id, entry.digest(), entry)

    def entry(self) -> ListEntry:
        if self._entry is None:
            assert self._parse is not None
            self._entry = self._parse()
        return self._entry


@dataclass(frozen=True, slots=True)
class ListSnapshot:
    """What was read from one file (or set of files) of a list at one moment."""

    list_name: str
    format: str
    source: str
    sha256: str
    published: str | None
    entries: int
