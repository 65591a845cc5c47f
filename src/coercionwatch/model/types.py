"""Field types shared by every record kind: ids, ISO dates and codes, vocabulary values."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, StringConstraints, ValidationInfo

from .vocabulary import vocabulary

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def check_partial_date(value: str) -> str:
    """The value, if it is a real date to the year, month or day; ValueError says why not."""
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise ValueError("expected an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"not a calendar date: {exc}") from None
    return value


def _check_full_date(value: str) -> str:
    if len(check_partial_date(value)) != 10:
        raise ValueError("expected a full ISO 8601 date, YYYY-MM-DD")
    return value


PartialDate = Annotated[str, AfterValidator(check_partial_date)]
"""A date known to the year, the month or the day, as the source states it: no more."""

FullDate = Annotated[str, AfterValidator(_check_full_date)]

FILE_SUFFIXES = (".json", ".csv", ".xml", ".atom", ".html", ".bib", ".ris")
"""Endings the site and the server give files: record `x` is served as `actor/x.json`, which
is also where record `x.json`'s page would go, so no id may end in one of them."""


def _check_record_id(value: str) -> str:
    for suffix in FILE_SUFFIXES:
        if value.endswith(suffix):
            raise ValueError(
                f"an id may not end in {suffix!r}: the site and the server name files that "
                "way, so this record's page would clash with another record's file"
            )
    return value


RecordId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", min_length=1, max_length=200),
    AfterValidator(_check_record_id),
]


def _check_country(value: str) -> str:
    import pycountry

    if len(value) == 2 and pycountry.countries.get(alpha_2=value) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return value


CountryCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{2}$"), AfterValidator(_check_country)
]
"""ISO 3166-1 alpha-2, an assigned code (not `XX` or `ZZ`)."""

INTERNATIONAL = frozenset({"EU", "UN"})
"""Two-letter jurisdictions that are bodies, not countries."""

Jurisdiction = Annotated[
    str,
    StringConstraints(pattern=r"^([A-Z]{2}|EU|INT|UN|ICC|COE)$"),
    AfterValidator(lambda v: v if v in INTERNATIONAL else _check_country(v)),
]
"""A country code, or an international body: EU, UN, ICC, COE (the Council of Europe), or
INT for international law at large."""

LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")]
ACTIVE_MARKUP = re.compile(
    r"<\s*/?\s*(?:script|iframe|object|embed|style)\b|(?:java|vb)script\s*:|data\s*:\s*text/html"
    r"|<[^>]*\son[a-z]+\s*=",
    re.IGNORECASE,
)
"""What makes text run in a browser: script, frame and style tags, script URLs, event
handlers in a tag. Pages escape every text they show, so none of it could run there; it is
refused at the door all the same, so that no export, feed or mirror carries it onward."""

INCOMING = {"incoming": True}
"""The validation context of a record coming in (a file, an edit): only there is text
checked for active markup, so that a version stored before the check still reads."""


def _plain(value: str, info: ValidationInfo) -> str:
    if info.context == INCOMING and ACTIVE_MARKUP.search(value):
        raise ValueError(
            "holds a script or active markup (<script>, javascript:, an on…= handler);"
            " plain text only"
        )
    return value


ShortText = Annotated[str, StringConstraints(max_length=1_000), AfterValidator(_plain)]
Text = Annotated[str, StringConstraints(max_length=100_000), AfterValidator(_plain)]
Html = Annotated[str, StringConstraints(max_length=2_000_000)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2_000)]


@dataclass(frozen=True)
class VocabularyName:
    """Marks a field whose values are terms of the named vocabulary, for readers of the
    schema (labels on pages, the field reference)."""

    name: str


def vocab(name: str) -> object:
    """A string that must be a value of the named controlled vocabulary."""

    def check(value: str) -> str:
        terms = vocabulary(name)
        if value not in terms:
            allowed = ", ".join(terms.terms)
            raise ValueError(f"{value!r} is not in the vocabulary {name!r} ({allowed})")
        return value

    return Annotated[str, AfterValidator(check), VocabularyName(name)]


def utc_timestamp() -> str:
    """Now, in UTC, to the millisecond: `2026-11-22T12:52:49.860Z`."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def display_date(iso: str) -> str:
    """The long English form used in the seed format, e.g. 'February 6, 2025'."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = dt.date(parts[0], parts[1], 1).strftime("%B")
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{month} {parts[2]}, {parts[0]}"
