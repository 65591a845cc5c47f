"""What changed between two readings of a list: added, removed, amended field by field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from coercionwatch.model.lists import COMPARED_FIELDS, ListEntry, ListRow

Members = dict[str, str]
"""entry id → digest: a snapshot as the store keeps it."""

BodyLoader = Callable[[Iterable[str]], dict[str, str]]
"""Fetches stored entry bodies (JSON) by digest."""


@dataclass
class Amendment:
    entry: ListEntry
    changes: dict[str, dict[str, Any]]
    """field → {"before": …, "after": …} (lists also give "added" and "removed")."""


@dataclass
class ListDiff:
    added: list[ListEntry] = field(default_factory=list)
    removed: list[ListEntry] = field(default_factory=list)
    amended: list[Amendment] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.amended)


def _field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    changes = {}
    for name in COMPARED_FIELDS:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        change: dict[str, Any] = {"before": old, "after": new}
        if isinstance(old, list) and isinstance(new, list):
            change["added"] = [v for v in new if v not in old]
            change["removed"] = [v for v in old if v not in new]
        changes[name] = change
    return changes


def diff_entries(previous: Members, current: Iterable[ListRow], bodies: BodyLoader) -> ListDiff:
    """Compare rows with the previous snapshot by digest; only what changed is parsed."""
    result = ListDiff()
    seen: set[str] = set()
    changed: list[tuple[ListRow, str]] = []
    for row in current:
        seen.add(row.entry_id)
        before = previous.get(row.entry_id)
        if before is None:
            result.added.append(row.entry())
        elif before != row.digest:
            changed.append((row, before))
    gone = [digest for entry_id, digest in previous.items() if entry_id not in seen]
    loaded = bodies([d for _, d in changed] + gone) if changed or gone else {}
    for row, before in changed:
        entry = row.entry()
        changes = _field_changes(orjson.loads(loaded[before]), entry.as_dict())
        if changes:  # the same entry can be digested differently by another reader
            result.amended.append(Amendment(entry, changes))
    result.removed = [ListEntry.from_dict(orjson.loads(loaded[d])) for d in gone]
    return result
