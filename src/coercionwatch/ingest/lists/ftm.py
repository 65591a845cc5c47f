"""OpenSanctions FollowTheMoney files: entities (one JSON object a line) and delta files
(`{"op": "ADD" | "MOD" | "DEL", "entity": {…}}` a line)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from coercionwatch.model.lists import ListEntry

from .common import fail, unique

TYPES = {"person": "individual", "vessel": "vessel", "airplane": "aircraft"}
IDENTIFIER_PROPERTIES = (
    "passportNumber",
    "idNumber",
    "registrationNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "imoNumber",
    "swiftBic",
    "leiCode",
)
_VERSION = re.compile(r"^(\d{4})(\d{2})(\d{2})\d{6}-")
SKIPPED_SCHEMAS = frozenset(
    {
        "Address",
        "Sanction",
        "Identification",
        "Passport",
        "Ownership",
        "Directorship",
        "Family",
        "Associate",
        "UnknownLink",
    }
)
"""Schemas that describe a listed party rather than being one."""


@dataclass(frozen=True, slots=True)
class DeltaOp:
    op: str
    entry: ListEntry | None
    entry_id: str


def entry_from_entity(entity: dict[str, Any]) -> ListEntry:
    props: dict[str, list[str]] = entity.get("properties") or {}
    names = props.get("name", [])
    name = entity.get("caption") or (names[0] if names else entity["id"])
    return ListEntry(
        entry_id=entity["id"],
        name=name,
        type=TYPES.get(str(entity.get("schema", "")).lower(), "entity"),
        programs=unique(props.get("programId", [])),
        aliases=unique([n for n in names if n != name] + props.get("alias", [])),
        addresses=unique(props.get("address", [])),
        identifiers=unique(v for key in IDENTIFIER_PROPERTIES for v in props.get(key, [])),
        birth_dates=unique(props.get("birthDate", [])),
        nationalities=unique(
            c.upper() for c in props.get("nationality", []) + props.get("citizenship", [])
        ),
        remarks="; ".join(props.get("notes", [])) or None,
    )


def _lines(path: Path, needles: list[bytes] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each JSON object with its line number; with `needles`, lines holding none of them are
    skipped before they are parsed."""
    with path.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            if needles is not None and not any(n in line for n in needles):
                continue
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise fail(path, f"malformed JSON: {exc.msg}", number) from None
            if not isinstance(value, dict):
                raise fail(path, "expected one JSON object a line", number)
            yield number, value


def read_entities(path: Path, *, programs: frozenset[str] | None = None) -> Iterator[ListEntry]:
    """Listed parties; with `programs`, only those under one of them."""
    needles = [p.encode() for p in programs] if programs else None
    for number, entity in _lines(path, needles):
        if "id" not in entity or "schema" not in entity:
            raise fail(path, "not a FollowTheMoney entity (no id or schema)", number)
        if entity["schema"] in SKIPPED_SCHEMAS:
            continue
        entry = entry_from_entity(entity)
        if programs is None or programs.intersection(entry.programs):
            yield entry


def read_delta(path: Path) -> Iterator[DeltaOp]:
    for number, value in _lines(path):
        op, entity = value.get("op"), value.get("entity")
        if op not in ("ADD", "MOD", "DEL") or not isinstance(entity, dict) or "id" not in entity:
            raise fail(path, "not a delta line ({op: ADD|MOD|DEL, entity: {id: …}})", number)
        if entity.get("schema") in SKIPPED_SCHEMAS:
            continue
        entry = None if op == "DEL" else entry_from_entity(entity)
        yield DeltaOp(op, entry, entity["id"])


def publish_date(path: Path) -> str | None:
    """From the version folder OpenSanctions names (20240527194702-wnk), or the newest
    last_change among the entities."""
    match = _VERSION.match(path.parent.name)
    if match:
        return "-".join(match.groups())
    newest = None
    for _, value in _lines(path):
        entity = value.get("entity", value)
        changed = entity.get("last_change") if isinstance(entity, dict) else None
        if isinstance(changed, str) and (newest is None or changed > newest):
            newest = changed
    return newest[:10] if newest else None
