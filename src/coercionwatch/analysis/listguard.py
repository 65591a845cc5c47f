"""Refusals that keep one reading of a sanctions list from corrupting the record.

A list file is believed only as far as it shows itself whole and current: a set cut short
still parses and reads as thousands of removals, and an old or undated file read after a
newer one rolls the list back. Each check raises InvalidInput before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from coercionwatch.ingest.lists import ListRead
from coercionwatch.model import InvalidInput, Location, Problem
from coercionwatch.model.lists import ListRow
from coercionwatch.model.types import check_partial_date
from coercionwatch.store import Store
from coercionwatch.store.lists import SnapshotRow


@dataclass(frozen=True)
class ChangeLimits:
    """How much of a list one reading may remove before a person has to confirm it: lists
    shrink by a few entries at a time, a cut or half-downloaded file by a great many."""

    max_removed_share: float = 0.10
    accept_large_change: bool = False


DEFAULT_LIMITS = ChangeLimits()


def _refuse(path: Path, message: str, field: str | None = None) -> InvalidInput:
    return InvalidInput([Problem(Location(str(path)), message, field=field)])


def check_reading(
    store: Store, path: Path, read: ListRead, latest: SnapshotRow | None, published: str | None
) -> str | None:
    """The reading's publish date, once its files are whole and it is not a step back from
    the latest snapshot of the list (older, undated after dated, or an earlier file again)."""
    read.check_complete()
    date = published or read.published
    if date is not None:
        try:
            check_partial_date(date)
        except ValueError as exc:
            if published is not None:
                raise _refuse(path, f"{exc}, not {published!r}", "--published") from None
            message = f"the file's publish date {date!r} is not a date ({exc}); give --published"
            raise _refuse(path, message) from None
    if latest is None:
        return date
    name, known = read.list_name, latest.snapshot.published
    if date and known and date < known:
        raise _refuse(
            path,
            f"published {date}, older than the latest snapshot of {name} "
            f"({known}, taken {latest.taken_at[:10]}); not recorded",
        )
    if date is None and known:
        raise _refuse(
            path,
            f"the file carries no publish date and the latest snapshot of {name} is dated "
            f"{known}: give the date with --published; not recorded",
        )
    if read.sha256 != latest.snapshot.sha256:
        earlier = store.latest_list_snapshot(name, read.sha256)
        if earlier is not None:
            raise _refuse(
                path,
                f"the same files (sha256 {read.sha256[:12]}…) as snapshot {earlier.id} of {name} "
                f"(published {earlier.snapshot.published or 'undated'}, taken "
                f"{earlier.taken_at[:10]}), which later snapshots replaced: reading them again "
                "would roll the list back; not recorded",
            )
    return date


def check_removals(
    path: Path, previous: Mapping[str, str], rows: list[ListRow], limits: ChangeLimits
) -> None:
    """Refuses a reading that removes more than the allowed share of the previous one."""
    if limits.accept_large_change or not previous:
        return
    current = {row.entry_id for row in rows}
    removed = sum(1 for entry_id in previous if entry_id not in current)
    if removed > limits.max_removed_share * len(previous):
        raise _refuse(
            path,
            f"removes {removed} of the {len(previous)} entries of the latest snapshot "
            f"({removed / len(previous):.1%}, more than the {limits.max_removed_share:.1%} "
            "allowed), as a file cut short would; if the list really shrank that much, "
            "run again with --accept-large-change; not recorded",
        )
