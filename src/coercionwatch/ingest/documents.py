"""Reading record files: JSON, JSON Lines and YAML, with limits against hostile input.

Yields raw items (dicts) with their location. JSON Lines is streamed line by line, so a
large file costs memory for one line at a time; whole documents are bounded by size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from coercionwatch.model import Location, Problem

DEFAULT_MAX_FILE_BYTES = 128 * 1024 * 1024
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})


@dataclass(frozen=True)
class RawItem:
    location: Location
    value: Any


Progress = Callable[[int], None]
"""Told how many bytes of the current file have been read so far."""


class _StrictYamlLoader(yaml.SafeLoader):
    """Safe YAML without aliases (no 'billion laughs') and with dates left as text."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.MarkedYAMLError(
                problem="aliases and anchors are not allowed", problem_mark=mark
            )
        return super().compose_node(parent, index)


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
            location = Location(str(path), line=number)
            try:
                yield RawItem(location, orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                yield Problem(location, f"malformed JSON: {exc.msg} at column {exc.colno}")


def _json_items(path: Path) -> Iterator[RawItem | Problem]:
    try:
        document = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        yield Problem(Location(str(path), line=exc.lineno), f"malformed JSON: {exc.msg}")
        return
    yield from _top_level(str(path), document)


def yaml_items(text: str, name: str) -> Iterator[RawItem | Problem]:
    """Items of YAML text (one or more documents), each located by its line."""
    loader = _StrictYamlLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            children = node.value if isinstance(node, yaml.SequenceNode) else [node]
            for child in children:
                value = loader.construct_object(child, deep=True)
                yield RawItem(Location(name, line=child.start_mark.line + 1), value)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        yield Problem(Location(name, line=line), f"malformed YAML: {reason}")
    finally:
        loader.dispose()


def _top_level(name: str, document: Any) -> Iterator[RawItem]:
    if isinstance(document, list):
        for index, item in enumerate(document, start=1):
            yield RawItem(Location(name, index=index), item)
    else:
        yield RawItem(Location(name), document)
