"""Turning raw items into validated records: seed envelopes and native records alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coercionwatch.model import (
    KINDS,
    Incident,
    Location,
    Problem,
    Record,
    vocabulary,
)
from coercionwatch.model.incident import DERIVED_KEYS
from coercionwatch.model.kinds import part_class, vocabulary_fields
from coercionwatch.model.types import INCOMING

from .content import id_of
from .documents import DEFAULT_MAX_FILE_BYTES, Progress, RawItem, read_items


@dataclass(frozen=True)
class Rules:
    """How strictly a reading judges what it reads, and what it knows of this system."""

    site: str | None = None
    """Where this system publishes. An envelope from there is our own export coming back:
    its `site` says where we publish, not where the incident first appeared, so it is not
    stored (the record would change every time it went out and came back)."""
    require_sources: bool = False
    """An entry that names no source is refused, not just warned about."""


DEFAULT_RULES = Rules()


@dataclass
class Incoming:
    """A validated record on its way into the store, with what was noticed about it."""

    record: Record
    location: Location
    warnings: list[Problem] = field(default_factory=list)


def parse_item(item: RawItem, rules: Rules = DEFAULT_RULES) -> Incoming | list[Problem]:
    value = item.value
    if not isinstance(value, dict):
        return [Problem(item.location, f"expected a JSON object, found {type(value).__name__}")]
    if "record" in value and "kind" not in value:
        return _parse_envelope(item.location, value, rules)
    if "kind" in value:
        return _parse_native(item.location, value, rules)
    return [
        Problem(
            item.location,
            "neither a seed envelope (no 'record') nor a native record (no 'kind')",
            record_id=id_of(value),
        )
    ]


def _parse_envelope(
    location: Location, envelope: dict[str, Any], rules: Rules
) -> Incoming | list[Problem]:
    record = envelope.get("record")
    slug = id_of(record) if isinstance(record, dict) else None
    problems = [
        Problem(location, "missing from the seed envelope", "incident", slug, key)
        for key in ("site", "generatedAt")
        if not isinstance(envelope.get(key), str)
    ]
    unknown = set(envelope) - {"site", "generatedAt", "record"}
    problems += [
        Problem(location, "not a field of the seed envelope", "incident", slug, key)
        for key in sorted(unknown)
    ]
    if not isinstance(record, dict):
        problems.append(Problem(location, "must be an object", "incident", slug, "record"))
    if problems:
        return problems
    assert isinstance(record, dict)
    home = envelope["site"]
    own = rules.site is not None and same_site(home, rules.site)
    return _validate(location, "incident", {**record, "site": None if own else home}, rules, home)


def same_site(one: str, other: str) -> bool:
    return one.rstrip("/") == other.rstrip("/")


def _parse_native(
    location: Location, value: dict[str, Any], rules: Rules
) -> Incoming | list[Problem]:
    kind = value["kind"]
    if not isinstance(kind, str) or kind not in KINDS:
        named = f"unknown kind {kind!r}" if isinstance(kind, str) else "the kind must be text"
        return [
            Problem(
                location,
                f"{named} (one of {', '.join(KINDS)})",
                record_id=id_of(value),
                field="kind",
            )
        ]
    body = {k: v for k, v in value.items() if k != "kind"}
    return _validate(location, kind, body, rules)


def _validate(
    location: Location,
    kind: str,
    body: dict[str, Any],
    rules: Rules,
    home: str | None = None,
) -> Incoming | list[Problem]:
    """The record, or its problems. `home` is the site an envelope came from, which its
    derived fields (the url, the citation) were computed with."""
    record_id = id_of(body)
    given_derived = {k: body.pop(k) for k in DERIVED_KEYS if kind == "incident" and k in body}
    try:
        record = KINDS[kind].model_validate(body, context=INCOMING)
    except ValidationError as exc:
        return [
            Problem(
                location,
                _message(KINDS[kind], error["loc"], error["msg"].removeprefix("Value error, ")),
                kind,
                record_id,
                ".".join(str(part) for part in error["loc"]) or None,
            )
            for error in exc.errors(include_url=False)
        ]
    unsourced = _unsourced(location, record)
    if unsourced and rules.require_sources:
        return [unsourced]
    warnings = [unsourced] if unsourced else []
    if isinstance(record, Incident) and given_derived:
        warnings += _derived_disagreements(location, record, given_derived, home)
    return Incoming(record, location, warnings)


def _message(cls: type, path: tuple[int | str, ...], message: str) -> str:
    """The validation message, which for a field of a vocabulary always lists its terms:
    the value may be wrong, but it may also be missing, null or not text."""
    name = _vocabulary_at(cls, path)
    if name is None or IN_VOCABULARY in message:
        return message
    allowed = ", ".join(vocabulary(name).terms)
    return f"{message}: a term of the vocabulary {name!r} ({allowed})"


IN_VOCABULARY = "is not in the vocabulary"
"""How the model words a value outside its vocabulary, with the terms it allows."""


def _vocabulary_at(cls: type | None, path: tuple[int | str, ...]) -> str | None:
    """The vocabulary of the field at a validation error's path, following nested parts
    (`actors.0.role`) and skipping list positions."""
    names = [part for part in path if isinstance(part, str)]
    for depth, name in enumerate(names):
        if cls is None:
            return None
        if depth == len(names) - 1:
            return vocabulary_fields(cls).get(name)
        cls = part_class(cls, name)
    return None


UNSOURCED = "names no source; every entry should name the sources it rests on"


def _unsourced(location: Location, record: Record) -> Problem | None:
    """Every entry names its sources, as the site promises: one that names none is a
    warning, or with `require_sources` a problem. A source itself needs none."""
    if getattr(record, "sources", True):
        return None
    return Problem(location, UNSOURCED, record.kind, record.id, "sources")


def _derived_disagreements(
    location: Location, incident: Incident, given: dict[str, Any], home: str | None
) -> list[Problem]:
    site = home or incident.site or ""
    computed = incident.derived(site, list(incident.update_log))
    return [
        Problem(
            location,
            f"disagrees with the fields it is derived from: given {value!r}, "
            f"computed {computed[key]!r}; the computed value is used",
            "incident",
            incident.id,
            key,
        )
        for key, value in given.items()
        if not (key == "url" and not site) and computed[key] != value
    ]


def read_records(
    paths: Iterable[Path],
    *,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    progress: Callable[[Path], Progress] | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Iterator[Incoming | Problem]:
    """Validated records from many files, with every problem found along the way."""
    for path in paths:
        told = progress(path) if progress else None
        for item in read_items(path, max_bytes=max_bytes, progress=told):
            if isinstance(item, Problem):
                yield item
                continue
            parsed = parse_item(item, rules)
            if isinstance(parsed, Incoming):
                yield parsed
            else:
                yield from parsed
