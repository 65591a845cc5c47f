"""Keeping the answers table equal to each current response's own body.

Written in the same transaction as the version, emptied of a response when it is deleted,
rebuilt by the migration that adds it, and compared with the versions by `verify`. Only
the response's own fields go in: what depends on other records (whether a measure or a
member is shown) is decided when coverage reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from coercionwatch.model import Record, Response, load_record

from .schema import answers, records, stored_version, versions

CHUNK = 500


def answer_row(pk: int, record: Record) -> dict[str, Any] | None:
    """The row of a response, or None for a record of another kind."""
    if not isinstance(record, Response):
        return None
    return {
        "record_pk": pk,
        "measures": " ".join(sorted({a.measure for a in record.answers if a.measure})),
        "speakers": " ".join(sorted(set(record.participants()))),
        "actor": record.actor,
        "forum": record.forum,
        "channel": record.channel,
        "member_count": record.member_count,
    }


def _chunks(items: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def write_answers(connection: Connection, written: Iterable[tuple[int, Record]]) -> None:
    """Replace the rows of records just written, as (pk, record)."""
    pks: list[int] = []
    rows: list[dict[str, Any]] = []
    for pk, record in written:
        row = answer_row(pk, record)
        if row is not None:
            pks.append(pk)
            rows.append(row)
    for chunk in _chunks(pks):
        connection.execute(delete(answers).where(answers.c.record_pk.in_(chunk)))
    if rows:
        connection.execute(answers.insert(), rows)


def forget_answer(connection: Connection, pk: int) -> None:
    """A deleted response answers nothing."""
    connection.execute(delete(answers).where(answers.c.record_pk == pk))


def live_responses(connection: Connection) -> Iterator[tuple[int, Record]]:
    """Every current response, as (pk, record): what the table is derived from."""
    query = (
        select(records.c.pk, versions.c.body)
        .join(versions, stored_version(versions, records.c.kind, records.c.id, records.c.version))
        .where(records.c.kind == "response", records.c.deleted.is_(False))
        .order_by(records.c.pk)
    )
    for row in connection.execute(query.execution_options(yield_per=CHUNK)):
        yield row.pk, load_record("response", orjson.loads(row.body))


def rebuild_answers(connection: Connection) -> None:
    """Every row afresh: for the migration that adds the table."""
    connection.execute(delete(answers))
    batch: list[tuple[int, Record]] = []
    for item in live_responses(connection):
        batch.append(item)
        if len(batch) == CHUNK:
            write_answers(connection, batch)
            batch = []
    write_answers(connection, batch)
