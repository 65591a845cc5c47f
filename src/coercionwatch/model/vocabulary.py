"""Controlled vocabularies are data: stored values with labels, editable without code."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it: the same rules, much faster."""


@dataclass(frozen=True)
class Term:
    value: str
    label: str
    description: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: dict[str, Term]

    def label(self, value: str) -> str:
        return self.terms[value].label

    def __contains__(self, value: object) -> bool:
        return value in self.terms


def _read(text: str) -> dict[str, dict[str, dict[str, str]]]:
    data = yaml.load(text, Loader=SAFE_LOADER) or {}
    if not isinstance(data, dict):
        raise ValueError("a vocabulary file maps vocabulary names to terms")
    return data


@cache
def vocabularies() -> dict[str, Vocabulary]:
    """The bundled vocabularies, extended by the file named in COERCIONWATCH_VOCABULARIES."""
    merged = _read(files("coercionwatch.model").joinpath("vocabularies.yaml").read_text("utf-8"))
    override = os.environ.get("COERCIONWATCH_VOCABULARIES")
    if override:
        for name, terms in _read(Path(override).read_text("utf-8")).items():
            merged.setdefault(name, {}).update(terms)
    return {
        name: Vocabulary(
            name,
            {
                value: Term(value, str(spec["label"]), spec.get("description"))
                for value, spec in terms.items()
            },
        )
        for name, terms in merged.items()
    }


def vocabulary(name: str) -> Vocabulary:
    return vocabularies()[name]
