"""An incident exported from here and imported again is the record it was.

Its envelope carries, in `updateLog` and `lastUpdated`, what the export derived from the
journal. Stored as written, those would make a new version that repeats the journal's
notes in the record itself, and every later export would show them twice; so they are
taken back out before the incoming record is compared with the current one.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.engine import Connection

from coercionwatch.ingest import Incoming
from coercionwatch.model import Incident

from . import reader


def as_written_here(connection: Connection, item: Incoming) -> Incoming:
    """The incoming record without what an export of the current version derived from the
    journal: anything else in it is a change someone made, and is kept."""
    incoming = item.record
    if not isinstance(incoming, Incident):
        return item
    current = reader.get(connection, "incident", incoming.id)
    if current is None or not isinstance(current.record, Incident):
        return item
    notes = reader.journal_updates(connection, "incident", incoming.id)
    log = list(incoming.update_log)
    if notes and log[-len(notes) :] == notes:
        log = log[: -len(notes)]
    last = incoming.last_updated
    if last == current.record.last_update([*current.record.update_log, *notes]):
        last = current.record.last_updated
    if log == list(incoming.update_log) and last == incoming.last_updated:
        return item
    restored = incoming.model_copy(update={"update_log": log, "last_updated": last})
    return replace(item, record=restored)
