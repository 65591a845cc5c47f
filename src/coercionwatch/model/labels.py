"""How a person reads a field's vocabulary term: by its label."""

from __future__ import annotations

from typing import Any

from .kinds import KINDS, vocabulary_fields
from .vocabulary import vocabulary


def label(kind: str, name: str, value: Any) -> Any:
    """The label of a field's vocabulary term; any other value as it is."""
    return term_label(KINDS[kind], name, value)


def term_label(cls: type, name: str, value: Any) -> Any:
    """The same for a field of any record or part class (a milestone's `stage`)."""
    vocab = vocabulary_fields(cls).get(name)
    if vocab and isinstance(value, str) and value in vocabulary(vocab):
        return vocabulary(vocab).label(value)
    return value


def labelled(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """A record body as people read it: its vocabulary terms replaced by their labels."""
    return {name: label(kind, name, value) for name, value in body.items()}
