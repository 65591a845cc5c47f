"""The list of one kind: a page of records, sortable, filtered by facets whose counts are
shown beside it, as Datasette shows them; the same data is the JSON twin."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pycountry

from coercionwatch.model import KINDS, Record, stored_body, vocabulary_fields
from coercionwatch.model.facets import Facet, facet_text, facets_of, values_at
from coercionwatch.model.labels import label
from coercionwatch.publish.view import ListAnswer, PublicView
from coercionwatch.store.listing import SORTS, Listing, default_sort

from .common import KIND_TITLES, Page, cards, section_of

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

SORT_LABELS = {"date": "Date", "name": "Name", "type": "Type", "status": "Status"}


def sorts_of(kind: str) -> list[str]:
    """The sorts a kind's list offers: by type or status only where its facets fill them."""
    columns = {f.column for f in facets_of(kind).values() if f.column}
    dated = default_sort(kind)[0] == "date"
    return [s for s in SORTS if (s == "date" and dated) or s == "name" or s in columns]


def query_of(listing: Listing, **changes: Any) -> str:
    """The query string that asks for this list again, with `changes` (None drops one)."""
    params: dict[str, Any] = {name: value for name, value in listing.filters}
    params.update(
        {
            "from": listing.date_from,
            "to": listing.date_to,
            "q": listing.words,
            "sort": sort_param(listing),
            "after": listing.after,
            "size": listing.size if listing.size != PAGE_SIZE else None,
        }
    )
    params.update(changes)
    if len(listing.kinds) == 1 and params.get("sort") == default_sort(listing.kinds[0])[0]:
        params["sort"] = None  # the default
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else "?"


def sort_param(listing: Listing) -> str:
    natural = listing.sort == "date"
    return listing.sort if listing.descending == natural else f"-{listing.sort}"


def value_label(kind: str, facet: Facet, value: str, view: PublicView) -> str:
    """How a facet value reads: a record's title, a country's name, a term's label."""
    if facet.points:
        return view.title(facet.points, value)
    if facet.name in ("country", "jurisdiction"):
        country = pycountry.countries.get(alpha_2=value)
        return country.name if country else value
    if facet.name == "ongoing":
        return "Ongoing" if value == "true" else "Concluded"
    if facet.regions:
        return str(label("actor", "region", value))
    owner = KINDS[kind].references[facet.via] if facet.via else kind
    if facet.fields and facet.fields[0] in vocabulary_fields(KINDS[owner]):
        return str(label(owner, facet.fields[0], value))
    return value


def column_labels(record: Record, view: PublicView) -> dict[str, str]:
    """The type and status cells of a record's row, as their facets label them."""
    body = stored_body(record)
    found = {}
    for facet in facets_of(record.kind).values():
        if facet.column and facet.fields:
            values = values_at(body, facet.fields[0])
            found[facet.column] = (
                value_label(record.kind, facet, facet_text(values[0]) or "", view) if values else ""
            )
    return found


def facet_panels(
    kind: str, listing: Listing, counts: dict[str, list[tuple[str, int]]], view: PublicView
) -> dict[str, dict[str, Any]]:
    """Each facet's values as the list offers them, by facet name."""
    chosen = dict(listing.filters)
    found: dict[str, dict[str, Any]] = {}
    all_facets = facets_of(kind)
    view.learn_titles(
        (all_facets[name].points, value)
        for name, rows in counts.items()
        if all_facets[name].points
        for value, _ in rows
    )
    for name, rows in counts.items():
        facet = all_facets[name]
        if not rows:
            continue
        values = []
        for value, n in rows:
            selected = chosen.get(name) == value
            values.append(
                {
                    "value": value,
                    "label": value_label(kind, facet, value, view),
                    "count": n,
                    "selected": selected,
                    "href": query_of(listing, after=None, **{name: None if selected else value}),
                }
            )
        found[name] = {"label": facet.label, "values": values}
    return found


def list_page(view: PublicView, listing: Listing, known: ListAnswer | None = None) -> Page:
    """`known`: the answer for another page of this list, whose count and facets it shares."""
    kind = listing.kind
    answer = view.list(listing, known=known)
    sorts = sorts_of(kind)
    data = {
        "kind": kind,
        "count": answer.count,
        "filters": {name: value for name, value in listing.filters}
        | {"from": listing.date_from, "to": listing.date_to, "q": listing.words},
        "sort": sort_param(listing),
        "sorts": [
            {
                "name": s,
                "label": SORT_LABELS[s],
                "active": listing.sort == s,
                "descending": listing.sort == s and listing.descending,
                "href": query_of(
                    listing,
                    after=None,
                    sort=(f"-{s}" if s != "date" else "-date")
                    if listing.sort == s and sort_param(listing) == s
                    else s,
                ),
            }
            for s in sorts
        ],
        "facets": facet_panels(kind, listing, answer.facets, view),
        "records": [
            {**shown, "columns": column_labels(record, view)}
            for record, shown in zip(answer.records, cards(answer.records, view), strict=True)
        ],
        "next": answer.next,
        "nextUrl": query_of(listing, after=answer.next) if answer.next else None,
        "firstUrl": query_of(listing, after=None) if listing.after else None,
        "downloads": {
            fmt: f"{section_of(kind)}.{fmt}{query_of(listing, after=None)}"
            for fmt in ("csv", "json")
        },
    }
    return Page("list.html", KIND_TITLES[kind], section_of(kind), data)
