"""The public record as one request sees it: indexed queries of the store, each answer
passed through the projection (`model.project`) as it is read.

Nothing here grows with the record. The only memory kept between requests is the
store's bounded cache of validated records keyed by content hash (`reader.stored`): a
write makes a new version, so it invalidates exactly what it touched. What a record may
show also depends on which of the records it points at are withheld; that is asked of
the database on every read, never cached, so a record that becomes restricted disappears
from the next answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, NamedTuple, Protocol

from sqlalchemy.engine import Connection

from coercionwatch.model import Incident, Key, Record, UpdateNote, pointers, project
from coercionwatch.model.labels import label
from coercionwatch.store import listing, log, reader
from coercionwatch.store.listing import Listing


class Names(Protocol):
    """Where a record's name is looked up: the public view, or the whole store."""

    def name(self, kind: str, record_id: str) -> str: ...


def title_of(record: Record, names: Names) -> str:
    """A heading people can read: measures and responses are named through their actors.
    Pages look names up in the public view; the command line, in the store."""
    if record.kind == "measure":
        what = label("measure", "type", record.type)  # type: ignore[attr-defined]
        return f"{what}: {names.name('actor', record.target)}"  # type: ignore[attr-defined]
    if record.kind == "response":
        who = names.name("actor", record.actor)  # type: ignore[attr-defined]
        return f"{who}: {label('response', 'stance', record.stance).lower()}"  # type: ignore[attr-defined]
    return record.heading()


NAMED_THROUGH_ACTORS = frozenset({"measure", "response"})
"""Kinds whose readable title needs the record and its actors' names, not its stored title."""


def title_names(records: Iterable[Record]) -> Iterator[Key]:
    """The names `title_of` looks up for these records: a list of cards needs these, not
    the names of everything the records point at."""
    for record in records:
        if record.kind == "measure":
            yield ("actor", record.target)  # type: ignore[attr-defined]
        elif record.kind == "response":
            yield ("actor", record.actor)  # type: ignore[attr-defined]


@dataclass
class ListAnswer:
    """One page of a list, with what a reader needs around it."""

    records: list[Record]
    next: str | None
    count: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class Read(NamedTuple):
    """What a page lists of the records pointing at one: the shown records of `kind`
    pointing at it by `fields` (or, `through` some records between, at those), newest
    first, at most `limit`."""

    kind: str
    fields: tuple[str, ...]
    limit: int
    through: reader.Through | None = None


Reads = tuple[Read, ...]
"""What a kind's page lists of the records pointing at one, for `PublicView.read_ahead`."""

NAMES_KEPT = 16_384
"""Names and titles a site build's views share before they are dropped and learnt again:
within one transaction they cannot change, and most pages name the same few hundred."""

LISTS_KEPT = 256
"""Short lists a site build's views share likewise: the state of each nationality, the
measures of each act, asked by every page that names one."""


@dataclass
class Known:
    """What a view has learnt of names, titles and short lists, which the views of one
    site build share: they read one state of the record."""

    names: dict[Key, str] = field(default_factory=dict)
    unnamed: set[Key] = field(default_factory=set)
    """Keys asked for that the projection does not show."""
    titles: dict[Key, str] = field(default_factory=dict)
    lists: dict[Listing, list[Record]] = field(default_factory=dict)

    def bounded(self) -> Known:
        """This, emptied first of what has grown past `NAMES_KEPT` or `LISTS_KEPT`."""
        if len(self.names) + len(self.unnamed) + len(self.titles) > NAMES_KEPT:
            self.names.clear()
            self.unnamed.clear()
            self.titles.clear()
        if len(self.lists) > LISTS_KEPT:
            self.lists.clear()
        return self


@dataclass
class PublicView:
    """The public record through one connection (one request, or one site build)."""

    connection: Connection
    withheld: frozenset[Key] | None = None
    """Every key the projection withholds, where one transaction serves many pages (a site
    build reads them once); otherwise each read asks the database."""
    known: Known = field(default_factory=Known)
    _ahead: dict[Key, reader.StoredRecord | None] = field(default_factory=dict)
    _referring: dict[tuple[str, str, Read], tuple[list[reader.StoredRecord], int]] = field(
        default_factory=dict
    )
    _updates: dict[str, list[UpdateNote]] = field(default_factory=dict)
    """Incidents' journal updates read ahead, by id."""
    materialised: int = 0
    """How many records this view has read: tests count them to show a page reads about
    one page of records, whatever the size of the record."""

    # --- records, projected

    def _withheld_for(self, records: list[Record]) -> set[Key]:
        """Which of the records these point at (softly too) the projection withholds now."""
        if self.withheld is not None and not self.withheld:
            return set()
        targets = {
            (kind, target)
            for r in records
            for soft in (False, True)
            for _, kind, target in pointers(r, soft=soft)
        }
        if self.withheld is not None:
            return targets & self.withheld
        return reader.withheld_among(self.connection, targets)

    def _project(self, rows: Iterable[reader.StoredRecord]) -> list[Record]:
        loaded = [row.record for row in rows]
        self.materialised += len(loaded)
        withheld = self._withheld_for(loaded)
        return [shown for r in loaded if (shown := project(r, withheld)) is not None]

    def versioned(self, kind: str, record_id: str) -> tuple[Record, tuple[Any, ...]] | None:
        """The record and what its public form depends on: its version and which of the
        records it points at are withheld."""
        key = (kind, record_id)
        row = (
            self._ahead.pop(key)
            if key in self._ahead
            else reader.shown(self.connection, kind, record_id)
        )
        if row is None:
            return None
        record = row.record
        self.materialised += 1
        withheld = self._withheld_for([record])
        shown = project(record, withheld)
        if shown is None:
            return None
        return shown, (row.version, tuple(sorted(withheld)))

    def get(self, kind: str, record_id: str) -> Record | None:
        found = self.versioned(kind, record_id)
        return found[0] if found else None

    def many(self, keys: Iterable[Key]) -> dict[Key, Record]:
        """Shown records by key; those not shown are left out."""
        rows = reader.shown_many(self.connection, list(keys))
        return {(r.kind, r.id): r for r in self._project(rows)}

    def read_ahead(self, kind: str, record_ids: list[str], reads: Reads) -> None:
        """Read at once, for the pages about to be written of these records, the records,
        what each page lists of those pointing at them, the titles of what the records
        point at and the names the cards of the others show: a query for each instead of
        one per page. Each page takes its part once."""
        rows = {
            r.record.id: r
            for r in reader.shown_many(self.connection, [(kind, i) for i in record_ids])
        }
        self._ahead.update({(kind, i): rows.get(i) for i in record_ids})
        referring: list[Record] = []
        for read in reads:
            each = reader.shown_referrers_of_each(
                self.connection,
                kind,
                list(rows),
                read.kind,
                read.fields,
                limit=read.limit,
                through=read.through,
            )
            for record_id in rows:
                found = each.get(record_id, ([], 0))
                self._referring[(kind, record_id, read)] = found
                referring.extend(row.record for row in found[0])
        if kind == "incident":
            updates = reader.journal_updates_of(self.connection, kind, list(rows))
            self._updates.update({i: updates.get(i, []) for i in rows})
        self.learn_names(title_names(referring))
        self.learn_titles((k, t) for row in rows.values() for _, k, t in pointers(row.record))

    # --- names, for headings and links

    def name(self, kind: str, record_id: str) -> str:
        key = (kind, record_id)
        self.learn_names([key])
        return self.known.names.get(key, record_id)

    def learn_names(self, keys: Iterable[Key]) -> None:
        """Look up in one query the names a list of cards is about to ask for. What is not
        shown is remembered too, and not asked again: a checklist names regions where it
        could name records, and many pages ask for the same few ids."""
        names, unnamed = self.known.names, self.known.unnamed
        wanted = {key for key in keys if key not in names and key not in unnamed}
        if wanted:
            found = reader.shown_titles(self.connection, wanted)
            names.update(found)
            unnamed.update(wanted.difference(found))

    def exists(self, kind: str, record_id: str) -> bool:
        self.learn_names([(kind, record_id)])
        return (kind, record_id) in self.known.names

    def learn_titles(self, keys: Iterable[Key]) -> None:
        """Look up readable titles for links about to be shown, a query per kind."""
        keys = set(keys)
        self.learn_names(keys)
        titles, names = self.known.titles, self.known.names
        through = [
            k for k in keys if k[0] in NAMED_THROUGH_ACTORS and k not in titles and k in names
        ]
        if not through:
            return
        found = self.many(through)
        self.learn_names(title_names(found.values()))
        titles.update({key: title_of(r, self) for key, r in found.items()})

    def title(self, kind: str, record_id: str) -> str:
        """A record's readable title (`Designation: Kimberly Prost`), its id if not shown."""
        if kind not in NAMED_THROUGH_ACTORS:
            return self.name(kind, record_id)
        self.learn_titles([(kind, record_id)])
        return self.known.titles.get((kind, record_id), record_id)

    # --- lists

    def list(
        self, wanted: Listing, *, facets: bool = True, known: ListAnswer | None = None
    ) -> ListAnswer:
        """A page of a list with its count and facets; `known` is an answer for another
        page of the same list, whose count and facets this one shares (a static site
        writes every page of a list from one state of the record)."""
        rows, after = listing.page(self.connection, wanted)
        records = self._project(rows)
        if known is not None:
            return ListAnswer(records, after, known.count, known.facets)
        count = listing.total(self.connection, wanted)
        counts = listing.facet_counts(self.connection, wanted) if facets else {}
        return ListAnswer(records, after, count, counts)

    def records(self, wanted: Listing) -> list[Record]:
        """A page of a list's records alone, for a page that shows no count of them. Asked
        once a view (a site build's views share them): the measures of one act each list
        the others, the people of one nationality each link to its state."""
        lists = self.known.lists
        if wanted not in lists:
            rows, _ = listing.page(self.connection, wanted)
            lists[wanted] = self._project(rows)
        return list(lists[wanted])

    def every(self, wanted: Listing) -> Iterator[Record]:
        """Every record of a list, read and projected a page of 500 at a time."""
        wanted = replace(wanted, size=500, after=None)
        while True:
            rows, after = listing.page(self.connection, wanted)
            yield from self._project(rows)
            if after is None:
                return
            wanted = replace(wanted, after=after)

    def count(self, kind: str) -> int:
        return listing.total(self.connection, Listing(kind))

    def pointing_at(self, kind: str, record_id: str, read: Read) -> tuple[list[Record], int]:
        """What `read` lists of the records pointing at this one, and how many in all."""
        asked = (kind, record_id, read)
        if asked in self._referring:
            rows, count = self._referring.pop(asked)
        else:
            rows, count = reader.shown_referrers(
                self.connection,
                kind,
                record_id,
                read.kind,
                read.fields,
                limit=read.limit,
                through=read.through,
            )
        return self._project(rows), count

    def incident_updates(self, incident: Incident) -> list[UpdateNote]:
        if incident.id in self._updates:
            return self._updates[incident.id]
        return reader.journal_updates(self.connection, "incident", incident.id)

    def last_change(self) -> str | None:
        return reader.last_change(self.connection)

    @cached_property
    def checkpoint(self) -> log.StoredCheckpoint | None:
        """The latest checkpoint signed, read once: the one every proof this view gives is in."""
        return log.latest_checkpoint(self.connection)
