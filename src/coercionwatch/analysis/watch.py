"""One reading of a sanctions list, judged against the last: what changed, what of it
matters to the record, which records to draft, and which answers are still owed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic.alias_generators import to_camel

from coercionwatch.ingest import Incoming
from coercionwatch.ingest.lists import read_list
from coercionwatch.model import (
    Actor,
    Countermeasure,
    InvalidInput,
    Location,
    Measure,
    Problem,
    Record,
    Response,
    canonical_json,
)
from coercionwatch.model.lists import ListEntry, ListRow, ListSnapshot
from coercionwatch.store import Store
from coercionwatch.store.writer import fewer_collections

from .checklist import Step, steps_for
from .drafts import draft_designation, followed_programs, lifted, snapshot_source
from .listdiff import BodyLoader, ListDiff, Members, diff_entries
from .listguard import DEFAULT_LIMITS, ChangeLimits, check_reading, check_removals
from .matching import ActorIndex, ActorMatch


@dataclass
class RecordContext:
    """What the record already holds that a list change is judged against."""

    actors: dict[str, Actor]
    measures: list[Measure]
    responses: list[Response]
    countermeasures: list[Countermeasure]

    @classmethod
    def of(cls, records: Iterable[Record]) -> RecordContext:
        context = cls({}, [], [], [])
        for record in records:
            if isinstance(record, Actor):
                context.actors[record.id] = record
            elif isinstance(record, Measure):
                context.measures.append(record)
            elif isinstance(record, Response):
                context.responses.append(record)
            elif isinstance(record, Countermeasure):
                context.countermeasures.append(record)
        return context


@dataclass
class RelevantChange:
    change: str
    entry: ListEntry
    programs: list[str]
    matches: list[ActorMatch]
    measure_id: str | None = None
    drafted: bool = False
    fields: dict[str, Any] | None = None
    checklist: list[Step] = field(default_factory=list)


@dataclass
class WatchReport:
    snapshot: ListSnapshot
    previous: dict[str, Any] | None
    changes: ListDiff
    """Every entry added, removed or amended, followed or not."""
    relevant: list[RelevantChange]
    """The changes that matter to the record, with what was matched, drafted and owed."""
    drafts: list[Record]
    proposals: list[int] = field(default_factory=list)
    """Ids of the proposals the drafts were written as (none on a dry run)."""

    @property
    def added(self) -> int:
        return len(self.changes.added)

    @property
    def removed(self) -> int:
        return len(self.changes.removed)

    @property
    def amended(self) -> int:
        return len(self.changes.amended)

    def as_dict(self) -> dict[str, Any]:
        """The reading for scripts, with camelCase keys as in record files."""

        def change(c: RelevantChange) -> dict[str, Any]:
            return {
                "change": c.change,
                "entry": c.entry.as_dict(),
                "programs": c.programs,
                "matches": [m.__dict__ for m in c.matches],
                "measure": c.measure_id,
                "drafted": c.drafted,
                "fields": c.fields,
                "checklist": [s.__dict__ for s in c.checklist],
            }

        return camel_keys(
            {
                "list": self.snapshot.list_name,
                "format": self.snapshot.format,
                "source": self.snapshot.source,
                "published": self.snapshot.published,
                "sha256": self.snapshot.sha256,
                "entries": self.snapshot.entries,
                "previous": self.previous,
                "counts": {"added": self.added, "removed": self.removed, "amended": self.amended},
                "changes": {
                    "added": [entry.as_dict() for entry in self.changes.added],
                    "removed": [entry.as_dict() for entry in self.changes.removed],
                    "amended": [
                        {"entry": a.entry.as_dict(), "fields": a.changes}
                        for a in self.changes.amended
                    ],
                },
                "relevant": [change(c) for c in self.relevant],
                "drafts": [{"kind": r.kind, "id": r.id} for r in self.drafts],
                "proposals": self.proposals,
            }
        )


def camel_keys(value: Any) -> Any:
    """`entry_id` → `entryId` at every depth (field names of list entries included)."""
    if isinstance(value, dict):
        return {to_camel(k): camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel_keys(v) for v in value]
    return value


def unique_rows(rows: Iterable[ListRow], source: str) -> list[ListRow]:
    """The rows of a reading; an entry id given twice is an error."""
    seen: set[str] = set()
    result = []
    for row in rows:
        if row.entry_id in seen:
            message = f"entry {row.entry_id!r} appears twice"
            raise InvalidInput([Problem(Location(source), message)])
        seen.add(row.entry_id)
        result.append(row)
    return result


def apply_delta(previous: Members, bodies: BodyLoader, ops: Iterable[Any]) -> list[ListEntry]:
    """A delta file's operations applied to the previous snapshot's entries."""
    loaded = bodies(previous.values())
    current = {k: ListEntry.from_dict(orjson.loads(loaded[d])) for k, d in previous.items()}
    for op in ops:
        if op.op == "DEL":
            current.pop(op.entry_id, None)
        else:
            current[op.entry_id] = op.entry
    return list(current.values())


def _linked_measures(
    entry: ListEntry, matches: list[ActorMatch], context: RecordContext, draft_id: str
) -> list[Measure]:
    matched = {m.actor_id for m in matches}
    listed = {
        a.id
        for a in context.actors.values()
        if entry.entry_id in (a.external_ids.ofac, a.external_ids.opensanctions)
    }
    return [
        m
        for m in context.measures
        if m.type == "designation"
        and m.status == "active"
        and (
            m.id == draft_id
            or m.target in listed
            or (m.target in matched and (m.program is None or m.program in entry.programs))
        )
    ]


def analyse(
    snapshot: ListSnapshot,
    rows: list[ListRow],
    previous: Members,
    bodies: BodyLoader,
    previous_info: dict[str, Any] | None,
    context: RecordContext,
    followed: Iterable[str],
    date: str,
) -> WatchReport:
    followed = frozenset(followed)
    diff: ListDiff = diff_entries(previous, rows, bodies)
    index = ActorIndex.of(context.actors.values())
    source = snapshot_source(snapshot)
    drafts: list[Record] = []
    relevant: list[RelevantChange] = []

    def judge(change: str, entry: ListEntry) -> RelevantChange | None:
        programs = sorted(followed.intersection(entry.programs))
        matches = index.match(entry)
        return RelevantChange(change, entry, programs, matches) if programs or matches else None

    for entry in diff.added:
        found = judge("added", entry)
        if found is None:
            continue
        draft = draft_designation(
            entry, snapshot, source, found.matches[0].actor_id if found.matches else None, date
        )
        existing = _linked_measures(entry, found.matches, context, draft.measure.id)
        if existing:
            measure, found.measure_id = existing[0], existing[0].id
        else:
            measure, found.measure_id, found.drafted = draft.measure, draft.measure.id, True
            drafts += [r for r in (draft.target, draft.measure) if r is not None]
        target = context.actors.get(measure.target) or draft.target
        found.checklist = steps_for(
            measure, target, context.responses, context.countermeasures, context.actors
        )
        relevant.append(found)
    for entry in diff.removed:
        found = judge("removed", entry)
        if found is None:
            continue
        draft_id = draft_designation(entry, snapshot, source, "x", date).measure.id
        for measure in _linked_measures(entry, found.matches, context, draft_id):
            drafts.append(lifted(measure, date, source))
            found.measure_id = measure.id
        relevant.append(found)
    for amendment in diff.amended:
        found = judge("amended", amendment.entry)
        if found is not None:
            found.fields = amendment.changes
            relevant.append(found)
    if drafts:
        drafts.insert(0, source)
        imposers = {r.imposer for r in drafts if isinstance(r, Measure)}
        drafts[1:1] = [
            Actor(id=i, name=i.replace("-", " ").title(), type="state")
            for i in sorted(imposers)
            if i not in context.actors
        ]
    return WatchReport(snapshot, previous_info, diff, relevant, drafts)


@fewer_collections()
def watch_list(
    store: Store,
    path: Path,
    *,
    list_name: str | None,
    programs: list[str] | None,
    published: str | None,
    dry_run: bool,
    author: str,
    limits: ChangeLimits = DEFAULT_LIMITS,
) -> WatchReport:
    """All or nothing: on any error, no snapshot and no record is written."""
    read = read_list(path, list_name=list_name)
    latest = store.latest_list_snapshot(read.list_name)
    date = check_reading(store, path, read, latest, published)
    previous = store.list_snapshot_members(latest.id) if latest else {}
    if read.format == "ftm-delta":
        changed = apply_delta(previous, store.list_entry_bodies, read.changes())
        rows = unique_rows((ListRow.of(entry) for entry in changed), str(path))
    else:
        rows = unique_rows(read.rows(), str(path))
    check_removals(path, previous, rows, limits)
    snapshot = ListSnapshot(read.list_name, read.format, str(path), read.sha256, date, len(rows))
    context = RecordContext.of(
        item.record
        for kind in ("actor", "measure", "response", "countermeasure")
        for item in store.records(kind)
    )
    info = None
    if latest:
        info = {
            "snapshot": latest.id,
            "published": latest.snapshot.published,
            "takenAt": latest.taken_at,
            "entries": latest.snapshot.entries,
        }
    report = analyse(
        snapshot,
        rows,
        previous,
        store.list_entry_bodies,
        info,
        context,
        programs or followed_programs(),
        date or dt.date.today().isoformat(),
    )
    if not dry_run:
        reason = f"List watch: {read.list_name} {date or 'undated'} ({read.sha256[:12]})"
        items = [Incoming(record, Location(str(path))) for record in report.drafts]
        known = set(previous.values())
        members = [(row.entry_id, row.digest) for row in rows]
        bodies = {
            row.digest: canonical_json(row.entry()).decode("utf-8")
            for row in rows
            if row.digest not in known
        }
        summary = store.record_list_snapshot(
            snapshot,
            members,
            bodies,
            items,
            compared_with=latest.id if latest else None,
            author=author,
            reason=reason,
        )
        report.proposals = summary.proposed
    return report
