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

from .common import BOM, fail, unique

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
_JSON_KINDS = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
}


@dataclass(frozen=True, slots=True)
class DeltaOp:
    op: str
    entry: ListEntry | None
    entry_id: str


def entry_from_entity(entity: dict[str, Any], path: Path, line: int) -> ListEntry:
    """The entry an entity describes; a value of the wrong shape is refused where it stands,
    and a property given as one string (as hand-edited files do) counts as that one value."""
    entry_id = _entity_id(entity, path, line)
    props = entity.get("properties", {})
    if not isinstance(props, dict):
        raise fail(
            path,
            f"expected an object of property values, found {_json_kind(props)}",
            line,
            entry=entry_id,
            field="properties",
        )

    def values(key: str) -> list[str]:
        found = props.get(key, [])
        if isinstance(found, str):
            return [found]
        if not isinstance(found, list) or not all(isinstance(v, str) for v in found):
            raise fail(
                path,
                "expected a string or a list of strings",
                line,
                entry=entry_id,
                field=f"properties.{key}",
            )
        return found

    caption = entity.get("caption")
    if caption is not None and not isinstance(caption, str):
        raise fail(path, "expected a string", line, entry=entry_id, field="caption")
    names = values("name")
    name = caption or (names[0] if names else entry_id)
    return ListEntry(
        entry_id=entry_id,
        name=name,
        type=TYPES.get(str(entity.get("schema", "")).lower(), "entity"),
        programs=unique(values("programId")),
        aliases=unique([n for n in names if n != name] + values("alias")),
        addresses=unique(values("address")),
        identifiers=unique(v for key in IDENTIFIER_PROPERTIES for v in values(key)),
        birth_dates=unique(values("birthDate")),
        nationalities=unique(c.upper() for c in values("nationality") + values("citizenship")),
        remarks="; ".join(values("notes")) or None,
    )


def _json_kind(value: Any) -> str:
    """What a JSON value is, in JSON's words, for messages about a file's content."""
    return _JSON_KINDS.get(type(value), "null")


def _entity_id(entity: dict[str, Any], path: Path, line: int) -> str:
    entry_id = entity["id"]
    if not isinstance(entry_id, str) or not entry_id:
        raise fail(path, "expected a non-empty string", line, field="id")
    return entry_id


def _skipped(entity: dict[str, Any], path: Path, line: int) -> bool:
    """Whether the entity's schema describes a party rather than being one."""
    schema = entity.get("schema")
    if schema is not None and not isinstance(schema, str):
        entry_id = _entity_id(entity, path, line)
        raise fail(path, "expected a string", line, entry=entry_id, field="schema")
    return schema in SKIPPED_SCHEMAS


def _lines(path: Path, needles: list[bytes] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each JSON object with its line number; with `needles`, lines holding none of them are
    skipped before they are parsed. A byte-order mark before the first line is ignored."""
    with path.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            if number == 1:
                line = line.removeprefix(BOM)
            if needles is not None and not any(n in line for n in needles):
                continue
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                cut = "" if line.endswith(b"\n") else " (the last line: the file looks cut short)"
                raise fail(path, f"malformed JSON: {exc.msg}{cut}", number) from None
            if not isinstance(value, dict):
                raise fail(path, "expected one JSON object a line", number)
            yield number, value


def read_entities(path: Path, *, programs: frozenset[str] | None = None) -> Iterator[ListEntry]:
    """Listed parties; with `programs`, only those under one of them."""
    needles = [p.encode() for p in programs] if programs else None
    for number, entity in _lines(path, needles):
        if "id" not in entity or "schema" not in entity:
            raise fail(path, "not a FollowTheMoney entity (no id or schema)", number)
        if _skipped(entity, path, number):
            continue
        entry = entry_from_entity(entity, path, number)
        if programs is None or programs.intersection(entry.programs):
            yield entry


def read_delta(path: Path) -> Iterator[DeltaOp]:
    for number, value in _lines(path):
        op, entity = value.get("op"), value.get("entity")
        if op not in ("ADD", "MOD", "DEL") or not isinstance(entity, dict) or "id" not in entity:
            raise fail(path, "not a delta line ({op: ADD|MOD|DEL, entity: {id: …}})", number)
        if _skipped(entity, path, number):
            continue
        entry = None if op == "DEL" else entry_from_entity(entity, path, number)
        yield DeltaOp(op, entry, _entity_id(entity, path, number))


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
