"""A YAML loader for record files: JSON's data model, with no way to crash it or surprise it.

PyYAML's safe loader still recurses once per level of nesting (and its scanner slows with
every level of `[`), keeps the last of repeated keys, expands aliases, honours tags
(`!!set`, `!!binary`, `!!timestamp`) and reads YAML 1.1 scalars that are not what they
seem (`12:30` is 750, `0x_` raises). This one composes nesting only to just past the
content limit, and replaces whatever it refuses (an alias, an anchor, a tag, a repeated
key, text that is not Unicode, the part that is too deep) by a `Refused` value in its
place, so that the content check names the record and field. Plain scalars resolve to
null, true/false, decimal integers and floats, as in JSON; each of those patterns is a
subset of PyYAML's own, so text written by `yaml.safe_dump` reads back as the same values.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

import yaml

from .content import MAX_DEPTH, OUT_OF_RANGE, TOO_DEEP, Refused

REFUSED_TAG = "tag:coercionwatch,2025:refused"
INT_TAG = "tag:yaml.org,2002:int"


class RecordLoader(yaml.SafeLoader):
    """Safe YAML, limited to JSON's values; see the module's docstring."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.possible_simple_keys: OrderedDict[int, Any] = OrderedDict()
        self._open = 0  # collections being composed, one inside another

    # PyYAML's scanner looks at every pending simple key, one per open flow collection, at
    # every token, so `[[[[…` a few thousand deep takes minutes. Keys are saved in order,
    # deeper ones later, so the oldest is first and the stale ones come before the rest.

    def next_possible_simple_key(self) -> int | None:
        for key in self.possible_simple_keys.values():
            return key.token_number
        return None

    def stale_possible_simple_keys(self) -> None:
        keys = self.possible_simple_keys
        while keys:
            level, key = next(iter(keys.items()))
            if key.line == self.line and self.index - key.index <= 1024:
                return  # those after it were saved later on this line: not stale either
            if key.required:
                super().stale_possible_simple_keys()  # raises PyYAML's own error
            del keys[level]

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        reason = self._refusal(event)
        if reason is not None:
            return self._skip(reason)
        if not isinstance(event, yaml.CollectionStartEvent):
            return super().compose_node(parent, index)
        self._open += 1
        node = super().compose_node(parent, index)
        self._open -= 1
        return node

    def compose_mapping_node(self, anchor: str | None) -> yaml.MappingNode:
        node = super().compose_mapping_node(anchor)
        seen: set[tuple[str, str]] = set()
        for position, (key, _) in enumerate(node.value):
            if isinstance(key, yaml.ScalarNode):
                if (key.tag, key.value) in seen:
                    node.value[position] = (key, _refused(f"duplicate key {key.value!r}", key))
                seen.add((key.tag, key.value))
        return node

    def _refusal(self, event: yaml.Event) -> str | None:
        if isinstance(event, yaml.AliasEvent):
            return "YAML aliases are not allowed"
        if event.anchor is not None:
            return "YAML anchors are not allowed"
        if event.tag is not None:
            found = event.tag.replace("tag:yaml.org,2002:", "!!")
            return f"YAML tags are not allowed (found {found})"
        if isinstance(event, yaml.CollectionStartEvent) and self._open > MAX_DEPTH:
            return TOO_DEEP
        if isinstance(event, yaml.ScalarEvent) and not _is_unicode(event.value):
            return "not Unicode text (it holds a lone surrogate escape)"
        return None

    def _skip(self, reason: str) -> yaml.Node:
        """Pass over a refused node, however deep, without recursing into it."""
        first = self.get_event()
        open_ = 1 if isinstance(first, yaml.CollectionStartEvent) else 0
        while open_:
            event = self.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                open_ += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                open_ -= 1
        return _refused(reason, first)


def _refused(reason: str, at: yaml.Node | yaml.Event) -> yaml.ScalarNode:
    return yaml.ScalarNode(REFUSED_TAG, reason, at.start_mark, at.end_mark)


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _construct_refused(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Refused:
    return Refused(node.value, node.start_mark.line + 1)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | Refused:
    """Past 20 characters an integer is beyond 64 bits, and past 4,300 digits Python will
    not even parse one: refuse it unread."""
    if len(node.value) > 20:
        return Refused(OUT_OF_RANGE, node.start_mark.line + 1)
    return int(node.value)


_SCALARS = (
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("int", r"[-+]?(?:0|[1-9][0-9]*)", list("-+0123456789")),
    (
        "float",
        r"[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?|\.[0-9]+(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        list("-+0123456789."),
    ),
)
"""Plain scalars that are not text, with the characters they may start with."""

for _name, _pattern, _first in _SCALARS:
    RecordLoader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_name}", re.compile(f"^(?:{_pattern})$"), _first
    )
RecordLoader.add_constructor(INT_TAG, _construct_int)
RecordLoader.add_constructor(REFUSED_TAG, _construct_refused)
