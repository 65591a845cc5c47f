"""Keeping the table of counted waves exact: read by the coverage report, dropped by writes.

A writer drops, in its own transaction, every row its change may alter: a response's old
and new versions name the measures whose waves it changes; any other write that can change
a count (a measure, an actor, a countermeasure, the withheld set) drops every row. The
report counts the waves it finds missing and keeps them in a transaction of its own, under
the write lock, only if no write was journaled since it began to read: a count made from a
state that a writer has since changed is never kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, exc, func, select, tuple_
from sqlalchemy.engine import Connection

from coercionwatch.model import Record

from .answers import answer_row
from .database import WRITE_LOCK, advisory_lock, is_lock_timeout
from .schema import answers, coverage_counts, journal

CHUNK = 500
RECOUNT_ALL = frozenset({"measure", "actor", "countermeasure"})
"""Kinds whose every write may change any wave's count: what waves are and which measures
they hold, who is a state of which country and who a group speaks for, the checklist's
protections."""


@dataclass(frozen=True, slots=True)
class Counted:
    """A stored row: the wave's measure ids (space-joined) and its JSON body."""

    measures: str
    body: str


def projection(public_only: bool) -> str:
    return "public" if public_only else "all"


def epoch(connection: Connection) -> int:
    """The journal's last entry: every write that changes a count journals one."""
    return connection.execute(select(func.coalesce(func.max(journal.c.seq), 0))).scalar_one()


def stored_counts(
    connection: Connection, public_only: bool, waves: Collection[str] | None, digest: str
) -> dict[str, Counted]:
    """The rows of these waves (every wave: None) counted under this digest."""
    query = select(
        coverage_counts.c.wave, coverage_counts.c.measures, coverage_counts.c.body
    ).where(
        coverage_counts.c.projection == projection(public_only),
        coverage_counts.c.digest == digest,
    )
    wanted = None if waves is None else sorted(waves)
    chunks = (
        [None] if wanted is None else [wanted[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)]
    )
    found: dict[str, Counted] = {}
    for chunk in chunks:
        narrowed = query if chunk is None else query.where(coverage_counts.c.wave.in_(chunk))
        for wave, measures, body in connection.execute(narrowed):
            found[wave] = Counted(measures, body)
    return found


def every_count(connection: Connection) -> list[tuple[str, str, str, str, str]]:
    """Every row as (projection, wave, measures, digest, body): what `verify` recounts."""
    query = select(
        coverage_counts.c.projection,
        coverage_counts.c.wave,
        coverage_counts.c.measures,
        coverage_counts.c.digest,
        coverage_counts.c.body,
    ).order_by(coverage_counts.c.projection, coverage_counts.c.wave)
    return [tuple(row) for row in connection.execute(query)]  # type: ignore[misc]


def keep_counts(
    connection: Connection,
    seen: int,
    public_only: bool,
    digest: str,
    counted: Sequence[tuple[str, str, str]],
) -> bool:
    """Keep waves counted by a reader that saw the journal at `seen`, as (wave, measures,
    body), in a writing transaction of their own (the reader's may be rolled back), unless a
    write was journaled since. False when they were not kept: a report is right all the same."""
    if not counted:
        return True
    side = projection(public_only)
    try:
        with connection.engine.connect() as writing:
            writing.execution_options(writes=True)
            with writing.begin():
                advisory_lock(writing, WRITE_LOCK)
                if epoch(writing) != seen:
                    return False
                # A SQLite reader sees the table as its transaction began: rows kept since
                # by another report, under the same journal, are these and stay as they are.
                present = stored_counts(writing, public_only, [w for w, _, _ in counted], digest)
                fresh = [
                    (w, m, b) for w, m, b in counted if w not in present or present[w].measures != m
                ]
                waves = [wave for wave, _, _ in fresh]
                for start in range(0, len(waves), CHUNK):
                    writing.execute(
                        delete(coverage_counts).where(
                            coverage_counts.c.projection == side,
                            coverage_counts.c.wave.in_(waves[start : start + CHUNK]),
                        )
                    )
                if fresh:
                    writing.execute(
                        coverage_counts.insert(),
                        [
                            {
                                "projection": side,
                                "wave": w,
                                "measures": m,
                                "digest": digest,
                                "body": b,
                            }
                            for w, m, b in fresh
                        ],
                    )
    except exc.DBAPIError as error:
        if is_lock_timeout(error) or _read_only(error):
            return False  # a long write holds the lock, or no write is allowed here
        raise
    return True


def _read_only(error: exc.DBAPIError) -> bool:
    """Whether the database takes no write: a read-only file, or a PostgreSQL standby."""
    cause = error.orig
    if isinstance(cause, sqlite3.OperationalError):
        return cause.sqlite_errorcode & 0xFF == sqlite3.SQLITE_READONLY
    return getattr(cause, "sqlstate", None) == "25006"  # read_only_sql_transaction


def forget_counts(connection: Connection, measures: Iterable[str] | None) -> None:
    """Drop the rows of every wave holding one of these measures (every row: None)."""
    if measures is None:
        connection.execute(delete(coverage_counts))
        return
    named = set(measures)
    if not named:
        return
    stale = [
        (row.projection, row.wave)
        for row in connection.execute(
            select(coverage_counts.c.projection, coverage_counts.c.wave, coverage_counts.c.measures)
        )
        if not named.isdisjoint(row.measures.split())
    ]
    for start in range(0, len(stale), CHUNK):
        connection.execute(
            delete(coverage_counts).where(
                tuple_(coverage_counts.c.projection, coverage_counts.c.wave).in_(
                    stale[start : start + CHUNK]
                )
            )
        )


def _answered_before(connection: Connection, pks: Sequence[int]) -> set[str]:
    """The measures the current versions of these responses answer (their answers rows)."""
    found: set[str] = set()
    for start in range(0, len(pks), CHUNK):
        for (named,) in connection.execute(
            select(answers.c.measures).where(answers.c.record_pk.in_(pks[start : start + CHUNK]))
        ):
            found.update(named.split())
    return found


def forget_written(connection: Connection, written: Sequence[tuple[int, Record]]) -> None:
    """Before records are written, as (pk, record): drop the rows their writing may change."""
    if any(record.kind in RECOUNT_ALL for _, record in written):
        forget_counts(connection, None)
        return
    pks, named = [], set()
    for pk, record in written:
        if (row := answer_row(pk, record)) is not None:
            pks.append(pk)
            named.update(row["measures"].split())
    if pks:
        forget_counts(connection, named | _answered_before(connection, pks))


def forget_deleted(connection: Connection, kind: str, pk: int) -> None:
    """Before a record is deleted: drop the rows its deletion may change."""
    if kind in RECOUNT_ALL:
        forget_counts(connection, None)
    elif kind == "response":
        forget_counts(connection, _answered_before(connection, [pk]))
