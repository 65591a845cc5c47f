"""The limits every record's content keeps, whatever format it was read from.

Checked on each parsed item before the model sees it, so that a hostile file is refused
with its place named instead of crashing a reader, the model or the store. The limits:
nesting (deep input exhausts recursion), integers within 64 bits (orjson cannot write
larger ones, and JSON readers turn them into floats), no NaN or infinity (JSON has no such
numbers), no NUL character (PostgreSQL text cannot hold one), keys that are text, and
nothing that a reader marked as refused while parsing (a YAML tag, a repeated key).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from coercionwatch.model import Location, Problem

MAX_DEPTH = 32
"""Objects and lists, one inside another, a record may hold, itself counted as the first.
Real records need fewer than ten; free-form fields (`documents`) get the same room."""

SMALLEST_INT, LARGEST_INT = -(2**63), 2**63 - 1

TOO_DEEP = f"nested more than {MAX_DEPTH} objects or lists deep"
OUT_OF_RANGE = "a number beyond the signed 64-bit integer range"
NOT_A_NUMBER = "NaN and infinity are not allowed (JSON has no such numbers)"
NUL = "contains a NUL character (U+0000), which the store cannot keep"


@dataclass(frozen=True, eq=False)
class Refused:
    """A value a reader refused while parsing, left in its place so that its field is named."""

    reason: str
    line: int | None = None


class _Fault(Exception):
    """The first fault met, with the path to it gathered on the way back up."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.path: list[str | int] = []


def check_item(location: Location, value: Any) -> Problem | None:
    """The item's first fault, as a problem naming file, record and field; None if none."""
    try:
        _locate([value], 0)
    except _Fault as fault:
        kind, record_id = identify(value)
        where = location if fault.line is None else Location(location.file, line=fault.line)
        path = reversed(fault.path[:-1])  # the last is the item's place in its one-item list
        field = ".".join(str(part) for part in path) or None
        return Problem(where, fault.reason, kind, record_id, field)
    return None


def keys_within_limits(value: Any) -> int | None:
    """How many keys the item holds, if its depth, numbers and reader refusals keep within
    limits; None if they do not. The quick pass for large imports: it names nothing, and
    leaves keys and text (NUL) to the caller, who knows where they came from."""
    keys = 0
    level: list[Any] = [[value]]  # the item, in a list of its own at depth 0
    depth = 0
    while level:
        if depth > MAX_DEPTH:
            return None
        below = []
        for container in level:
            if type(container) is dict:
                keys += len(container)
                values = container.values()
            else:
                values = container
            for item in values:
                kind = type(item)
                if kind is str:
                    continue
                if kind is dict or kind is list:
                    below.append(item)
                elif kind is int or kind is float:
                    if not SMALLEST_INT <= item <= LARGEST_INT:  # false for NaN too
                        return None
                elif kind is not bool and item is not None:
                    return None  # a Refused
        level = below
        depth += 1
    return keys


def _locate(container: dict[Any, Any] | list[Any], depth: int) -> None:
    """Raise _Fault at the first fault inside `container`, the `depth`-th one down (an item
    is the first, in a list of its own): depth, numbers, reader refusals, keys that are
    not text, NUL in keys and strings."""
    if depth > MAX_DEPTH:
        raise _Fault(TOO_DEEP)
    is_dict = type(container) is dict
    for place, item in container.items() if is_dict else enumerate(container):
        if is_dict and type(place) is not str:
            raise _Fault(place.reason if type(place) is Refused else f"key {place!r} is not text")
        if is_dict and "\x00" in place:
            raise _Fault(f"key {place!r} {NUL}")
        kind = type(item)
        try:
            if kind is str:
                if "\x00" in item:
                    raise _Fault(NUL)
            elif kind is dict or kind is list:
                _locate(item, depth + 1)
            elif kind is int or kind is float:
                if not SMALLEST_INT <= item <= LARGEST_INT:
                    raise _Fault(OUT_OF_RANGE if math.isfinite(item) else NOT_A_NUMBER)
            elif kind is Refused:
                raise _Fault(item.reason, item.line)
        except _Fault as fault:
            fault.path.append(place)
            raise


def identify(value: Any) -> tuple[str | None, str | None]:
    """The kind and id an item claims, as far as it says: enough to name it in a problem."""
    if not isinstance(value, dict):
        return None, None
    if "kind" not in value and isinstance(value.get("record"), dict):
        return "incident", id_of(value["record"])
    kind = value.get("kind")
    return (kind if isinstance(kind, str) else None), id_of(value)


def id_of(value: dict[str, Any]) -> str | None:
    found = value.get("id", value.get("slug"))
    return found if isinstance(found, str) else None
