"""Public lists as indexed queries: filters, facet counts, sorting and keyset pages.

Every query here applies the projection's verdict in SQL (`shown_publicly`, and `shown` on
facet rows), so nothing a list returns, counts or offers as a choice can be withheld. Pages
are cut by keyset, not offset: a page's link names the last row it showed, so a write
between two requests neither repeats nor skips a row, and page 1,000 costs what page 1 does.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, case, func, intersect, literal, literal_column, select, tuple_
from sqlalchemy.engine import Connection

from coercionwatch.model import KINDS, Key
from coercionwatch.model.facets import facets_of

from .reader import StoredRecord, current_rows, shown_publicly, stored
from .schema import facets, records, refs
from .search import matching_pks

SORTS: dict[str, Any] = {
    # '' written into the statement, not bound: only then is it the indexed expression.
    "date": func.coalesce(records.c.date, literal_column("''")),
    "name": records.c.sort_name,
    "type": records.c.type,
    "status": records.c.status,
}
"""What a list sorts by; each matches a listing index (`migrations/listing.py`), so sorting
reads in order. `name` is the name a reader sees, folded (`records.sort_name`)."""

ORDERS: dict[str, Any] = {**SORTS, "updated": records.c.updated_at}
"""What a page may be ordered by: the readers' sorts, and when each record last changed
(the feed, newest change first; it reads ix_records_updated across kinds)."""

DESCENDING_FIRST = frozenset({"date", "updated"})
"""Sorts whose natural order is newest first; the others go A to Z."""

FACET_CHOICES = 10
"""How many values of each facet a list offers, most frequent first (selected ones too)."""


class BadPageToken(ValueError):
    """A `next` token that this code did not write."""


@dataclass(frozen=True)
class Listing:
    """What a reader asked a list for."""

    kind: str | tuple[str, ...]
    """One kind, or several (the timeline), whose facets are then only their kinds."""
    filters: tuple[tuple[str, str], ...] = ()
    """(facet, value) pairs, all of which a record must have."""
    date_from: str | None = None
    """On or after; a record dated to a month or a year only if all of it is."""
    date_to: str | None = None
    """On or before, to the precision given (`2025` takes all of 2025)."""
    words: str | None = None
    sort: str = "date"
    descending: bool = True
    after: str | None = None
    """The token of the last row of the page before."""
    size: int = 50
    involving: Key | None = None
    """Only records that point at this one (the timeline of one actor)."""
    dated: bool = False
    """Only records with a date of their own."""

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.kind if isinstance(self.kind, tuple) else (self.kind,)


def default_sort(kind: str) -> tuple[str, bool]:
    """How a kind's list is ordered when no sort is asked for, and whether it descends: a
    dated kind newest first; one with no dates of its own (actors, sources, provisions) by
    name, A to Z, where the date order would give the reverse of ids."""
    return ("date", True) if "date" in KINDS[kind].model_fields else ("name", False)


def listed(kind: str, **given: Any) -> Listing:
    """A kind's list in its default order."""
    sort, descending = default_sort(kind)
    return Listing(kind, sort=sort, descending=descending, **given)


def sorted_by(sort: str) -> tuple[str, bool]:
    """The sort and whether it descends: `date` is newest first, `-date` oldest first;
    `name` is A to Z, `-name` Z to A."""
    name = sort.removeprefix("-")
    if name not in SORTS:
        raise ValueError(f"not one of: {', '.join(SORTS)}")
    return name, (name in DESCENDING_FIRST) != sort.startswith("-")


def _token(row: Any) -> str:
    edge = orjson.dumps([row.sort_key, row.kind, row.id])
    return base64.urlsafe_b64encode(edge).decode().rstrip("=")


def read_token(token: str) -> tuple[str, str, str]:
    """(sort value, kind, id) of the row a page ended on."""
    try:
        edge = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError):
        raise BadPageToken("not a page token this list gave") from None
    if not (isinstance(edge, list) and len(edge) == 3 and all(isinstance(v, str) for v in edge)):
        raise BadPageToken("not a page token this list gave")
    return edge[0], edge[1], edge[2]


def _matching(connection: Connection, listing: Listing) -> list[Any]:
    """The conditions a record meets to be in the list, before paging."""
    kinds = listing.kinds
    kind = records.c.kind == kinds[0] if len(kinds) == 1 else records.c.kind.in_(kinds)
    conditions = [kind, shown_publicly(), records.c.deleted.is_(False)]
    if listing.dated:
        conditions.append(records.c.date.is_not(None))
    if listing.involving:
        to_kind, to_id = listing.involving
        pointing = select(refs.c.from_kind, refs.c.from_id).where(
            refs.c.to_kind == to_kind, refs.c.to_id == to_id
        )
        conditions.append(tuple_(records.c.kind, records.c.id).in_(pointing))
    for facet, value in listing.filters:
        conditions.append(
            records.c.pk.in_(
                select(facets.c.record_pk).where(
                    facets.c.kind.in_(kinds),
                    facets.c.facet == facet,
                    facets.c.shown.is_(True),
                    facets.c.value == value,
                )
            )
        )
    # A date known to the month or year spans it: a record is kept when all of its span
    # lies within the dates asked for, which span theirs too (`to=2025` takes all 2025).
    if listing.date_from:
        conditions.append(records.c.date + "-01-01" >= listing.date_from)
    if listing.date_to:
        conditions.append(_last_day(records.c.date) <= _last_day(literal(listing.date_to)))
    if listing.words:
        conditions.append(records.c.pk.in_(matching_pks(connection, listing.words)))
    return conditions


def _last_day(date: Any) -> Any:
    """The last day a partial date can mean, as text to compare (a month's is its 31st:
    enough to order, since no day is later)."""
    size = func.length(date)
    return case((size == 4, date + "-12-31"), (size == 7, date + "-31"), else_=date)


def page(connection: Connection, listing: Listing) -> tuple[list[StoredRecord], str | None]:
    """One page of the list, and the token of the page after it (None on the last)."""
    key = ORDERS[listing.sort]
    conditions = _matching(connection, listing)
    # One kind: its listing index is in (sort, id) order after the kind, so the edge is
    # (sort, id) and the page is an index range. Several kinds add the kind to the edge.
    single = len(listing.kinds) == 1
    columns = (key, records.c.id) if single else (key, records.c.kind, records.c.id)
    if listing.after:
        value, kind, record_id = read_token(listing.after)
        edge = tuple_(*columns)
        values = (value, record_id) if single else (value, kind, record_id)
        bound = tuple_(*(literal(v) for v in values))
        conditions.append(edge < bound if listing.descending else edge > bound)
        # Implied by the edge, but SQLite starts an index range only from a plain bound.
        conditions.append(key <= value if listing.descending else key >= value)
    order = [c.desc() for c in columns] if listing.descending else list(columns)
    rows = connection.execute(
        current_rows(key.label("sort_key"))
        .where(and_(*conditions))
        .order_by(*order)
        .limit(listing.size + 1)
    ).all()
    shown = [stored(row) for row in rows[: listing.size]]
    if len(rows) <= listing.size:
        return shown, None
    return shown, _token(rows[listing.size - 1])


def total(connection: Connection, listing: Listing) -> int:
    return connection.execute(
        select(func.count()).select_from(records).where(and_(*_matching(connection, listing)))
    ).scalar_one()


def _members(connection: Connection, listing: Listing) -> Any:
    """The keys of the records listed, as a subquery: from the facet table alone when only
    facets filter (its rows hold the projection's verdict), else from the records."""
    if listing.date_from or listing.date_to or listing.words or listing.involving:
        return select(records.c.pk.label("record_pk")).where(and_(*_matching(connection, listing)))
    kinds = listing.kinds
    each = [
        select(facets.c.record_pk).where(
            facets.c.kind.in_(kinds),
            facets.c.facet == facet,
            facets.c.shown.is_(True),
            facets.c.value == value,
        )
        for facet, value in listing.filters
    ]
    return each[0] if len(each) == 1 else intersect(*each)


def facet_counts(
    connection: Connection, listing: Listing, limit: int = FACET_CHOICES
) -> dict[str, list[tuple[str, int]]]:
    """For each facet of the kind, its most frequent values among the records listed (the
    values filtered by always among them), most frequent first."""
    if isinstance(listing.kind, tuple):
        counted = func.count().label("n")
        query = (
            select(records.c.kind.label("value"), counted)
            .where(and_(*_matching(connection, listing)))
            .group_by(records.c.kind)
            .order_by(counted.desc(), records.c.kind)
        )
        return {"kind": [(r.value, r.n) for r in connection.execute(query)]}
    names = [name for name, facet in facets_of(listing.kind).items() if facet.counted]
    narrowed = listing.filters or listing.date_from or listing.date_to or listing.words
    if narrowed:
        # One pass from the records listed to their facet rows: a narrowed list is small.
        members = _members(connection, listing).subquery("members")
        rows = connection.execute(
            select(facets.c.facet, facets.c.value, func.count().label("n"))
            .select_from(members.join(facets, facets.c.record_pk == members.c.record_pk))
            .where(facets.c.facet.in_(names), facets.c.shown.is_(True))
            .group_by(facets.c.facet, facets.c.value)
        )
        every: dict[str, list[tuple[str, int]]] = {name: [] for name in names}
        for row in rows:
            every[row.facet].append((row.value, row.n))
        chosen = dict(listing.filters)
        found = {}
        for name, values in every.items():
            ranked = sorted(values, key=lambda vc: (-vc[1], vc[0]))
            top = ranked[:limit]
            top += [vc for vc in ranked[limit:] if vc[0] == chosen.get(name)]
            found[name] = top
        return found
    found = {}
    for name in names:
        # The whole list: each facet an index-only count of its own rows.
        counted = func.count().label("n")
        query = (
            select(facets.c.value, counted)
            .where(facets.c.kind == listing.kind, facets.c.facet == name, facets.c.shown.is_(True))
            .group_by(facets.c.value)
            .order_by(counted.desc(), facets.c.value)
            .limit(limit)
        )
        found[name] = [(r.value, r.n) for r in connection.execute(query)]
    return found


def records_with(
    connection: Connection, kind: str, facet: str, values: tuple[str, ...] | None = None
) -> int:
    """How many shown records of a kind have this facet (with one of these values)."""
    query = select(func.count(facets.c.record_pk.distinct())).where(
        facets.c.kind == kind, facets.c.facet == facet, facets.c.shown.is_(True)
    )
    if values is not None:
        query = query.where(facets.c.value.in_(values))
    return connection.execute(query).scalar_one()


def distinct_values(connection: Connection, kind: str, facet: str) -> int:
    """How many values of a facet the shown records of a kind have."""
    query = select(func.count(facets.c.value.distinct())).where(
        facets.c.kind == kind, facets.c.facet == facet, facets.c.shown.is_(True)
    )
    return connection.execute(query).scalar_one()


def counts_by_kind(connection: Connection) -> dict[str, int]:
    """How many records of each kind are shown."""
    query = (
        select(records.c.kind, func.count())
        .where(shown_publicly(), records.c.deleted.is_(False))
        .group_by(records.c.kind)
    )
    return {kind: n for kind, n in connection.execute(query)}
