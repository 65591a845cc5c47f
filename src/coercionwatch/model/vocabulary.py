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
    lean: str | None = None
    """For a stance: which way it leans toward the measure (a term of `leans`)."""


TERM_KEYS = frozenset({"label", "description", "lean"})


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: dict[str, Term]

    def label(self, value: str) -> str:
        return self.terms[value].label

    def lean(self, value: str) -> str | None:
        return self.terms[value].lean

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
    built = {name: Vocabulary(name, _terms(name, terms)) for name, terms in merged.items()}
    leans = built.get("leans")
    for term in built.get("stances", Vocabulary("stances", {})).terms.values():
        if leans is None or term.lean not in leans:
            raise ValueError(
                f"the stance {term.value!r} needs a lean, one of the vocabulary 'leans'"
            )
    return built


def _terms(name: str, terms: dict[str, dict[str, str]]) -> dict[str, Term]:
    built = {}
    for value, spec in terms.items():
        if not isinstance(spec, dict) or "label" not in spec or set(spec) - TERM_KEYS:
            raise ValueError(
                f"the term {value!r} of {name!r} needs a label, and may have only "
                f"{', '.join(sorted(TERM_KEYS))}"
            )
        built[value] = Term(value, str(spec["label"]), spec.get("description"), spec.get("lean"))
    return built


def vocabulary(name: str) -> Vocabulary:
    return vocabularies()[name]
