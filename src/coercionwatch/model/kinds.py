"""The record kinds by name: the schema as data, for readers, the store and exports."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Annotated, Any, get_args

from .incident import Incident
from .records import Actor, Countermeasure, Measure, Provision, Record, Response, Source
from .types import VocabularyName

KINDS: dict[str, type[Record]] = {
    cls.kind: cls for cls in (Incident, Actor, Measure, Response, Countermeasure, Source, Provision)
}


def record_class(kind: str) -> type[Record]:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})") from None


def stored_body(record: Record) -> dict[str, Any]:
    """The JSON that is stored, hashed and journaled: written fields only, no nulls."""
    return record.model_dump(mode="json", by_alias=True, exclude_none=True)


def native_record(record: Record) -> dict[str, Any]:
    """A record as a native record file holds it: `kind` first, then the stored body."""
    return {"kind": record.kind, **stored_body(record)}


def load_record(kind: str, body: dict[str, Any]) -> Record:
    return record_class(kind).model_validate(body)


def reference_values(record: Record, path: str) -> list[str]:
    """The ids found at a field path such as `target` or `roles.organisation`."""
    values: list[Any] = [record]
    for alias in _steps(path):
        found: list[Any] = []
        of: type | None = None
        for value in values:
            if type(value) is not of:  # the parts of one list share a class
                of = type(value)
                name = field_name(of, alias)
            item = getattr(value, name, None)
            if isinstance(item, list):
                found.extend(item)
            elif item is not None:
                found.append(item)
        values = found
    return [v for v in values if isinstance(v, str)]


@cache
def _steps(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def pointers(record: Record, *, soft: bool = False) -> Iterator[tuple[str, str, str]]:
    """(field path, kind, id) of each record this one points at: through its `references`,
    or with `soft`, through its soft references (checked with a warning only)."""
    for path, kind, attribute, dotted in _pointer_fields(type(record), soft):
        item = getattr(record, attribute, None)
        if dotted:
            if item:
                for target in reference_values(record, path):
                    yield path, kind, target
        elif isinstance(item, str):
            yield path, kind, item
        elif isinstance(item, list):
            for target in item:
                if isinstance(target, str):
                    yield path, kind, target


@cache
def _pointer_fields(cls: type, soft: bool) -> tuple[tuple[str, str, str, bool], ...]:
    """Each (path, kind) a class points through, with the attribute of its first step and
    whether there are more: a path of one step is read directly, one of several only walked
    where its first step holds something (most records have no breaches, no disputes).
    Records are read millions of times in a site build."""
    fields = getattr(cls, "soft_references", {}) if soft else cls.references  # type: ignore[attr-defined]
    return tuple(
        (path, kind, field_name(cls, _steps(path)[0]), len(_steps(path)) > 1)
        for path, kind in fields.items()
    )


def field_name(cls: type, alias: str) -> str:
    """The Python attribute behind a camelCase field name."""
    return _field_names(cls).get(alias, alias)


@cache
def _field_names(cls: type) -> dict[str, str]:
    fields = getattr(cls, "model_fields", {})
    return {**{name: name for name in fields}, **{i.alias: n for n, i in fields.items() if i.alias}}


def vocabulary_of(annotation: Any) -> str | None:
    """The vocabulary a field's values come from, if they come from one."""
    for item in getattr(annotation, "__metadata__", ()):
        if isinstance(item, VocabularyName):
            return item.name
    for arg in get_args(annotation):
        found = vocabulary_of(arg)
        if found:
            return found
    return None


def annotation_of(info: Any) -> Any:
    """A field's type as written: pydantic keeps a top-level Annotated's metadata apart."""
    return Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation


@cache
def vocabulary_fields(cls: type) -> dict[str, str]:
    """{field: vocabulary} for the fields of a kind (or of a part) whose values are terms."""
    found = {}
    for name, info in cls.model_fields.items():
        vocab = vocabulary_of(annotation_of(info))
        if vocab:
            found[info.alias or name] = vocab
    return found


@cache
def part_class(cls: type, alias: str) -> type | None:
    """The Part class a field holds (or holds a list of), if it holds one."""
    info = cls.model_fields.get(field_name(cls, alias))  # type: ignore[attr-defined]
    return _part_in(info.annotation) if info else None


def _part_in(annotation: Any) -> type | None:
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in get_args(annotation):
        found = _part_in(arg)
        if found is not None:
            return found
    return None
