"""Query parameters: declared to FastAPI, so OpenAPI lists them, then checked here, so a bad
one gets a 422 that names it, and one the page does not take a 400 that lists those it
does (`_`-prefixed ones aside, which scripts add to dodge caches). Empty means 'any'."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Annotated

from fastapi import HTTPException, Query, Request

from coercionwatch.model import KINDS, vocabulary, vocabulary_fields
from coercionwatch.model.facets import Facet, facets_of, holds_codes
from coercionwatch.model.types import check_partial_date
from coercionwatch.publish.pages.lists import MAX_PAGE_SIZE, PAGE_SIZE
from coercionwatch.publish.pages.timeline import EVENT_KINDS, timeline
from coercionwatch.store.listing import (
    BadPageToken,
    Listing,
    default_sort,
    read_token,
    sorted_by,
)

MAX_QUERY = 500


class BadParameter(HTTPException):
    status = 422

    def __init__(self, name: str, message: str, **more: object) -> None:
        super().__init__(self.status, detail=[{"loc": ["query", name], "msg": message, **more}])
        self.parameter = name
        self.message = message

    def sentence(self) -> str:
        """What an HTML page says about it."""
        return f"The parameter '{self.parameter}' is not valid: {self.message}."


class UnknownParameter(BadParameter):
    """A parameter the page does not take: mistyped (`?contry=FR`), it would otherwise be
    ignored, and the reader shown everything as if it had been applied."""

    status = 400

    def __init__(self, name: str, allowed: Sequence[str]) -> None:
        self.allowed = list(allowed)
        takes = ", ".join(self.allowed)
        super().__init__(
            name, f"not a parameter of this page, which takes: {takes}", allowed=self.allowed
        )

    def sentence(self) -> str:
        return (
            f"This page takes no parameter '{self.parameter}'. It takes: {', '.join(self.allowed)}."
        )


def known_parameters(request: Request, allowed: Sequence[str]) -> None:
    """Refuse the first parameter given that is not one of `allowed` (nor `_`-prefixed)."""
    for name in request.query_params:
        if name not in allowed and not name.startswith("_"):
            raise UnknownParameter(name, allowed)


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


Sort = Annotated[
    str | None,
    Query(
        description="`date` (newest first), `name`, `type` or `status`; `-` before one reverses it."
    ),
]
After = Annotated[
    str | None, Query(description="The `next` token of the page before: the page after it.")
]
Size = Annotated[
    str | None, Query(description=f"Records a page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE}).")
]


def size_param(value: str | None) -> int:
    value = optional(value)
    if value is None:
        return PAGE_SIZE
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE_SIZE:
        raise BadParameter("size", f"a whole number from 1 to {MAX_PAGE_SIZE}")
    return int(value)


def after_param(value: str | None) -> str | None:
    value = optional(value)
    if value is not None:
        try:
            read_token(value)
        except BadPageToken as exc:
            raise BadParameter("after", str(exc)) from None
    return value


def facet_value(kind: str, facet: Facet, value: str) -> str:
    """A filter's value, checked where the facet takes vocabulary terms."""
    if facet.name == "ongoing":
        flag = bool_param(facet.name, value)
        return "true" if flag else "false"
    owner = KINDS[kind].references[facet.via] if facet.via else kind
    vocab = vocabulary_fields(KINDS[owner]).get(facet.fields[0]) if facet.fields else None
    if vocab:
        return term_param(facet.name, value, vocab) or ""
    if holds_codes(kind, facet):
        value = value.upper()
    return text_param(facet.name, value) or ""


def list_query(kind: str, *, paged: bool = True) -> Callable[..., Listing]:
    """The query parameters of one kind's list, declared one by one so that OpenAPI lists
    every facet by name (`?type=designation&status=active`), then dates, words, sort and,
    with `paged`, the page."""
    own = facets_of(kind)
    declared = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                str | None, Query(description=f"{facet.label}: only records with this value.")
            ],
        )
        for name, facet in own.items()
    ]
    common = {"date_from": From, "date_to": To, "q": Words, "sort": Sort}
    if paged:
        common |= {"after": After, "size": Size}
    declared += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind_)
        for name, kind_ in common.items()
    ]
    declared.append(
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)
    )
    # A download's link keeps the page's size, which it ignores: it takes it all the same.
    allowed = [*own, "from", "to", "q", "sort", "after", "size"]

    def listing(request: Request, **given: str | None) -> Listing:
        known_parameters(request, allowed)
        filters = tuple(
            (name, facet_value(kind, own[name], value))
            for name in own
            if (value := optional(given.get(name))) is not None
        )
        try:
            asked = optional(given.get("sort"))
            sort_name, descending = sorted_by(asked) if asked else default_sort(kind)
        except ValueError as exc:
            raise BadParameter("sort", str(exc)) from None
        return Listing(
            kind,
            filters,
            date_from=date_param("from", given.get("date_from")),
            date_to=date_param("to", given.get("date_to")),
            words=text_param("q", given.get("q")),
            sort=sort_name,
            descending=descending,
            after=after_param(given.get("after")),
            size=size_param(given.get("size")),
        )

    listing.__signature__ = inspect.Signature(declared, return_annotation=Listing)  # type: ignore[attr-defined]
    return listing


def timeline_query(
    request: Request,
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
    after: After = None,
    size: Size = None,
) -> Listing:
    known_parameters(request, ("kind", "from", "to", "actor", "after", "size"))
    return timeline(
        kind=choice_param("kind", kind, EVENT_KINDS),
        date_from=date_param("from", date_from),
        date_to=date_param("to", date_to),
        actor=text_param("actor", actor),
        after=after_param(after),
        size=size_param(size),
    )


def search_query(
    request: Request,
    q: Words = None,
    kind: Annotated[
        str | None,
        Query(description="Only records of this kind.", json_schema_extra={"enum": list(KINDS)}),
    ] = None,
    page: Annotated[str | None, Query(description="The page of results, from 1.")] = None,
) -> tuple[str | None, str | None, int]:
    """Words to find, a kind to keep to, and the page of results."""
    known_parameters(request, ("q", "kind", "page"))
    number = optional(page) or "1"
    if not number.isdigit() or not 1 <= int(number) <= 500:
        raise BadParameter("page", "a whole number from 1 to 500")
    return text_param("q", q), choice_param("kind", kind, tuple(KINDS)), int(number)
