"""Query parameters: declared to FastAPI, so OpenAPI lists them, then checked here, so a bad
one gets a 422 that names it. Empty means 'any'."""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Query

from coercionwatch.model import vocabulary
from coercionwatch.model.types import check_partial_date
from coercionwatch.publish.pages.incidents import IncidentFilters
from coercionwatch.publish.pages.timeline import EVENT_KINDS, TimelineFilters

MAX_QUERY = 500


class BadParameter(HTTPException):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(422, detail=[{"loc": ["query", name], "msg": message}])
        self.parameter = name
        self.message = message


def optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def date_param(name: str, value: str | None) -> str | None:
    value = optional(value)
    if value is not None:
        try:
            check_partial_date(value)
        except ValueError as exc:
            raise BadParameter(name, str(exc)) from None
    return value


def term_param(name: str, value: str | None, vocab: str) -> str | None:
    value = optional(value)
    if value is not None and value not in vocabulary(vocab):
        raise BadParameter(name, f"not one of: {', '.join(vocabulary(vocab).terms)}")
    return value


def choice_param(name: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    value = optional(value)
    if value is not None and value not in choices:
        raise BadParameter(name, f"not one of: {', '.join(choices)}")
    return value


def bool_param(name: str, value: str | None) -> bool | None:
    value = optional(value)
    if value is None:
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise BadParameter(name, "expected true or false")


def text_param(name: str, value: str | None) -> str | None:
    value = optional(value)
    if value is not None and len(value) > MAX_QUERY:
        raise BadParameter(name, f"longer than {MAX_QUERY} characters")
    return value


# Declared as plain optional text: FastAPI then never rejects a value itself, and the checks
# above answer with the error the API has always given.

From = Annotated[
    str | None,
    Query(alias="from", description="On or after this ISO 8601 date: 2025, 2025-02, 2025-02-06."),
]
To = Annotated[
    str | None,
    Query(alias="to", description="On or before this ISO 8601 date, to the precision given."),
]
Words = Annotated[
    str | None, Query(description=f"Words to find (full-text), at most {MAX_QUERY} characters.")
]


def incident_query(
    category: Annotated[
        str | None,
        Query(description="A category term, such as `cyber` (see `choices` in the answer)."),
    ] = None,
    severity: Annotated[
        str | None, Query(description="A severity term, such as `limited` (see `choices`).")
    ] = None,
    tag: Annotated[str | None, Query(description="A tag the incident carries.")] = None,
    date_from: From = None,
    date_to: To = None,
    ongoing: Annotated[
        str | None, Query(description="`true` or `false` (also `1`/`0`, `yes`/`no`).")
    ] = None,
    q: Words = None,
) -> tuple[IncidentFilters, str | None]:
    """The incident list's filters, and its words to find."""
    filters = IncidentFilters(
        category=term_param("category", category, "categories"),
        severity=term_param("severity", severity, "severities"),
        tag=text_param("tag", tag),
        date_from=date_param("from", date_from),
        date_to=date_param("to", date_to),
        ongoing=bool_param("ongoing", ongoing),
    )
    return filters, text_param("q", q)


def timeline_query(
    kind: Annotated[
        str | None,
        Query(
            description="Only events of this kind.",
            json_schema_extra={"enum": list(EVENT_KINDS)},
        ),
    ] = None,
    date_from: From = None,
    date_to: To = None,
    actor: Annotated[str | None, Query(description="Only events involving this actor id.")] = None,
) -> TimelineFilters:
    return TimelineFilters(
        kind=choice_param("kind", kind, EVENT_KINDS),
        date_from=date_param("from", date_from),
        date_to=date_param("to", date_to),
        actor=text_param("actor", actor),
    )


def search_words(q: Words = None) -> str | None:
    return text_param("q", q)
