"""The README's field reference, written from the model and the vocabularies.

Every field's entry is its docstring in the model; every term's is its label and description
in `vocabularies.yaml`. The README holds the output between cog markers (`make docs`
rewrites it) and a test fails when the two differ or when anything is undocumented.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .kinds import KINDS, annotation_of, part_class, vocabulary_of
from .types import (
    CountryCode,
    FullDate,
    Html,
    Jurisdiction,
    LanguageTag,
    PartialDate,
    RecordId,
    ShortText,
    Text,
    Url,
)
from .vocabulary import vocabularies

NAMED_TYPES: list[tuple[Any, str]] = [
    (PartialDate, "date (`2025`, `2025-06`, `2025-06-05`)"),
    (FullDate, "full date (`2025-06-05`)"),
    (RecordId, "id"),
    (CountryCode, "country code (ISO 3166-1 alpha-2)"),
    (Jurisdiction, "jurisdiction (country code, `EU`, `UN`, `ICC`, `COE`, `INT`)"),
    (LanguageTag, "language tag (`en`, `fr`)"),
    (Url, "URL"),
    (ShortText, "text"),
    (Text, "text"),
    (Html, "HTML"),
]


def field_reference() -> str:
    """Markdown: one table per record kind, then the vocabularies."""
    lines = []
    for kind, cls in KINDS.items():
        lines += [f"### `{kind}`", "", _doc(cls), "", "| Field | Type | Required | Holds |"]
        lines.append("|---|---|---|---|")
        pointers = {**cls.references, **getattr(cls, "soft_references", {})}
        for path, info in documented_fields(cls):
            kind_pointed = pointers.get(path.replace("[]", ""))
            lines.append(
                f"| `{path}` | {_type(annotation_of(info), kind_pointed)} | "
                f"{'yes' if info.is_required() else ''} | {_cell(info.description or '')} |"
            )
        lines.append("")
    lines += ["### Vocabularies", ""]
    for name, vocab in vocabularies().items():
        leans = name == "stances"
        lines += [f"#### `{name}`", ""]
        lines += ["| Term | Label | Lean | Meaning |" if leans else "| Term | Label | Meaning |"]
        lines += ["|---|---|---|---|" if leans else "|---|---|---|"]
        for term in vocab.terms.values():
            cells = [f"`{term.value}`", _cell(term.label)]
            if leans:
                cells.append(f"`{term.lean}`")
            cells.append(_cell(term.description or ""))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def documented_fields(cls: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, FieldInfo]]:
    """(path, field) for every field, nested parts' fields included, with `[]` marking a
    list (`breaches[].provision`)."""
    for name, info in cls.model_fields.items():
        alias = info.alias or name
        yield f"{prefix}{alias}", info
        part = part_class(cls, alias)
        if part is not None:
            many = get_origin(info.annotation) is list
            yield from documented_fields(part, f"{prefix}{alias}{'[]' if many else ''}.")


def _type(annotation: Any, kind: str | None) -> str:
    if get_origin(annotation) in (Union, types.UnionType):
        shown = [a for a in get_args(annotation) if a is not type(None)]
        return _type(shown[0], kind) if len(shown) == 1 else "value"
    if get_origin(annotation) is list:
        return f"list of {_type(get_args(annotation)[0], kind)}"
    if get_origin(annotation) is Literal:
        return " or ".join(f"`{value}`" for value in get_args(annotation))
    if kind:
        return f"id of {'an' if kind[0] in 'aeiou' else 'a'} `{kind}`"
    vocab = vocabulary_of(annotation)
    if vocab:
        return f"term of [`{vocab}`](#{vocab})"
    for named, label in NAMED_TYPES:
        if annotation == named:
            return label
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "object"
    if get_origin(annotation) is Annotated and get_args(annotation)[0] is int:
        return "whole number ≥ 0"
    return {bool: "true or false", int: "whole number", str: "text"}.get(
        annotation, "any JSON value"
    )


def _doc(cls: type) -> str:
    return " ".join((cls.__doc__ or "").split())


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
