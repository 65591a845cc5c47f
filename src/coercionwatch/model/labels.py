"""Which fields hold vocabulary terms, and how a person reads them: by their labels."""

from __future__ import annotations

from typing import Any

from .vocabulary import vocabulary

LABELLED_FIELDS: dict[str, dict[str, str]] = {
    "measure": {"type": "measure-types", "status": "measure-statuses", "breach": "breach-types"},
    "response": {"stance": "stances", "forum": "forums"},
    "countermeasure": {
        "layer": "layers",
        "type": "countermeasure-types",
        "status": "countermeasure-statuses",
    },
    "actor": {"type": "actor-types", "region": "un-regions", "romeStatute": "rome-statute-status"},
    "source": {"type": "source-types"},
    "incident": {"category": "categories", "severity": "severities", "posture": "postures"},
}
"""Fields whose values are vocabulary terms, shown to people by their labels."""


def label(kind: str, name: str, value: Any) -> Any:
    """The label of a field's vocabulary term; any other value as it is."""
    vocab = LABELLED_FIELDS.get(kind, {}).get(name)
    if vocab and isinstance(value, str) and value in vocabulary(vocab):
        return vocabulary(vocab).label(value)
    return value


def labelled(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """A record body as people read it: its vocabulary terms replaced by their labels."""
    return {name: label(kind, name, value) for name, value in body.items()}
