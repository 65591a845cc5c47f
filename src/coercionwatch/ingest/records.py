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
)
from coercionwatch.model.incident import DERIVED_KEYS

from .content import id_of
from .documents import DEFAULT_MAX_FILE_BYTES, Progress, RawItem, read_items


@dataclass
class Incoming:
    """A validated record on its way into the store, with what was noticed about it."""

    record: Record
    location: Location
    warnings: list[Problem] = field(default_factory=list)


def parse_item(item: RawItem) -> Incoming | list[Problem]:
    value = item.value
    if not isinstance(value, dict):
        return [Problem(item.location, f"expected a JSON object, found {type(value).__name__}")]
    if "record" in value and "kind" not in value:
        return _parse_envelope(item.location, value)
    if "kind" in value:
        return _parse_native(item.location, value)
    return [
        Problem(
            item.location,
            "neither a seed envelope (no 'record') nor a native record (no 'kind')",
            record_id=id_of(value),
        )
    ]


def _parse_envelope(location: Location, envelope: dict[str, Any]) -> Incoming | list[Problem]:
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
    return _validate(location, "incident", {**record, "site": envelope["site"]})


def _parse_native(location: Location, value: dict[str, Any]) -> Incoming | list[Problem]:
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
    return _validate(location, kind, body)


def _validate(location: Location, kind: str, body: dict[str, Any]) -> Incoming | list[Problem]:
    record_id = id_of(body)
    given_derived = {k: body.pop(k) for k in DERIVED_KEYS if kind == "incident" and k in body}
    try:
        record = KINDS[kind].model_validate(body)
    except ValidationError as exc:
        return [
            Problem(
                location,
                error["msg"].removeprefix("Value error, "),
                kind,
                record_id,
                ".".join(str(part) for part in error["loc"]) or None,
            )
            for error in exc.errors(include_url=False)
        ]
    warnings = []
    if isinstance(record, Incident) and given_derived:
        warnings = _derived_disagreements(location, record, given_derived)
    return Incoming(record, location, warnings)


def _derived_disagreements(
    location: Location, incident: Incident, given: dict[str, Any]
) -> list[Problem]:
    site = incident.site or ""
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
        if not (key == "url" and not incident.site) and computed[key] != value
    ]


def read_records(
    paths: Iterable[Path],
    *,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    progress: Callable[[Path], Progress] | None = None,
) -> Iterator[Incoming | Problem]:
    """Validated records from many files, with every problem found along the way."""
    for path in paths:
        told = progress(path) if progress else None
        for item in read_items(path, max_bytes=max_bytes, progress=told):
            if isinstance(item, Problem):
                yield item
                continue
            parsed = parse_item(item)
            if isinstance(parsed, Incoming):
                yield parsed
            else:
                yield from parsed
