"""Reading record files: JSON, JSON Lines and YAML, with limits against hostile input.

Yields raw items (dicts) with their location, each passed by the content check (depth,
numbers, NUL, repeated keys: see content.py) or replaced by the problem it found. JSON
Lines is streamed line by line, so a large file costs memory for one line at a time;
whole documents are bounded by size.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from coercionwatch.model import Location, Problem

from .content import Refused, check_item, keys_within_limits
from .yaml_loader import RecordLoader

DEFAULT_MAX_FILE_BYTES = 128 * 1024 * 1024
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})


@dataclass(frozen=True)
class RawItem:
    location: Location
    value: Any


Progress = Callable[[int], None]
"""Told how many bytes of the current file have been read so far."""


def read_items(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    progress: Progress | None = None,
) -> Iterator[RawItem | Problem]:
    """Every top-level item of a record file, or the problem that stops reading it."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Problem(Location(name), f"cannot read the file: {exc.strerror}")
        return
    if not path.is_file():
        yield Problem(Location(name), "not a regular file")
        return
    if size > max_bytes:
        yield Problem(
            Location(name),
            f"the file is {size / 2**20:.0f} MiB, over the limit of {max_bytes / 2**20:.0f} MiB "
            "(split it, or raise --max-file-size)",
        )
        return
    if size == 0:
        yield Problem(Location(name), "the file is empty")
        return
    if path.suffix.lower() in YAML_SUFFIXES:
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            yield Problem(Location(name), "not UTF-8 text")
            return
        yield from yaml_items(text, name)
    elif path.suffix.lower() in JSON_LINES_SUFFIXES or _looks_like_json_lines(path):
        yield from _json_lines_items(path, progress)
    else:
        yield from _json_items(path)
    if progress:
        progress(size)


def _looks_like_json_lines(path: Path) -> bool:
    with path.open("rb") as stream:
        first = stream.readline(16 * 1024 * 1024).strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def _json_lines_items(path: Path, progress: Progress | None) -> Iterator[RawItem | Problem]:
    with path.open("rb") as stream:
        done = 0
        for number, line in enumerate(stream, start=1):
            done += len(line)
            if progress and number % 256 == 0:
                progress(done)
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                problem = f"malformed JSON: {exc.msg} at column {exc.colno}"
                yield Problem(Location(str(path), line=number), problem)
                continue
            yield from _checked_json(line, value, str(path), number)


def _json_items(path: Path) -> Iterator[RawItem | Problem]:
    text = path.read_bytes()
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        yield Problem(Location(str(path), line=exc.lineno), f"malformed JSON: {exc.msg}")
        return
    yield from _checked_json(text, document, str(path))


def _checked_json(
    text: bytes, parsed: Any, name: str, line: int | None = None
) -> Sequence[RawItem | Problem]:
    """The items of one JSON text (a line's, or a document's), each passed by the content
    check or replaced by the problem it finds. Large imports are many such texts, so each
    gets the quick checks, and the thorough one only when a quick one finds something."""
    items = _items_of(parsed, name, line)
    keys = 0
    for item in items:
        found = keys_within_limits(item.value)
        if found is None:
            return _thorough(items)
        keys += found
    escapes = _has_low_escapes(text)
    if escapes and b"\\u0000" in text:
        checked = _thorough(items)
        if any(isinstance(c, Problem) for c in checked):
            return checked
    if _repeats_a_key(text, items, keys, escapes):
        return _thorough(_items_of(_with_repeats(text), name, line))
    return items


def _thorough(items: list[RawItem]) -> list[RawItem | Problem]:
    return [check_item(item.location, item.value) or item for item in items]


def _has_low_escapes(text: bytes) -> bool:
    """Whether the text has a `\\u00XX` escape, the only way JSON text can hold U+0000 and
    one way to write a colon. Most text has no backslash at all, which is quick to see."""
    return b"\\" in text and b"\\u00" in text


def _repeats_a_key(text: bytes, items: list[RawItem], keys: int, escapes: bool) -> bool:
    """Whether the text has a key that orjson dropped, as it drops all but the last of
    repeated keys without a word.

    In JSON text the only colons outside strings follow keys, so the text's colons are the
    keys written plus the colons inside strings. When they equal the keys parsed, no key
    was dropped (and no string holds a colon). Otherwise compare them with the colons of
    the items as orjson writes them back, which never escapes one: equal, escaped colons in
    the text counted, unless a key was dropped.
    """
    colons = text.count(b":")
    if colons == keys:
        return False
    written = sum(orjson.dumps(item.value).count(b":") for item in items)
    escaped = text.count(b"\\u003a") + text.count(b"\\u003A") if escapes else 0
    return written != colons + escaped


def _items_of(parsed: Any, name: str, line: int | None) -> list[RawItem]:
    """A line of JSON Lines is one item; a document is one, or each in its top-level list."""
    if line is not None:
        return [RawItem(Location(name, line=line), parsed)]
    if isinstance(parsed, list):
        return [RawItem(Location(name, index=n), item) for n, item in enumerate(parsed, start=1)]
    return [RawItem(Location(name), parsed)]


def _with_repeats(text: bytes) -> Any:
    """JSON as the standard library reads it, a repeated key's value marked as refused."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in items:
            found[key] = Refused(f"duplicate key {key!r}") if key in found else value
        return found

    return json.loads(text, object_pairs_hook=pairs)


def yaml_items(text: str, name: str) -> Iterator[RawItem | Problem]:
    """Items of YAML text (one or more documents), each located by its line."""
    loader = RecordLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            children = node.value if isinstance(node, yaml.SequenceNode) else [node]
            for child in children:
                location = Location(name, line=child.start_mark.line + 1)
                value = loader.construct_object(child, deep=True)
                yield check_item(location, value) or RawItem(location, value)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        yield Problem(Location(name, line=line), f"malformed YAML: {reason}")
    finally:
        loader.dispose()
