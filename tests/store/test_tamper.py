"""Tamper suite: change one stored row or column at a time, and `verify` must name it.

Each case edits the database behind the store's back, as someone holding the file (or the
PostgreSQL role) could, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from coercionwatch.ingest import Incoming
from coercionwatch.model import Location, load_record
from coercionwatch.store import Store
from coercionwatch.store.search import record_text
from tests.helpers import actor, measure

Tamper = Callable[[Connection], None]


def _records() -> list[dict]:
    return [
        actor("usa", type="state", name="United States", country="US"),
        actor("prost", nationality=["CA"], aliases=["K. Prost"]),
        actor("witness", visibility="restricted"),
        measure("m-prost", "prost", summary="Designated under the order."),
        measure("m-witness", "witness"),
        {
            "kind": "response",
            "id": "r-canada",
            "actor": "usa",
            "stance": "condemn",
            "forum": "national",
            "answers": ["m-prost"],
            "date": "2025-08-21",
        },
        actor("gone"),
    ]


def _incoming(*records: dict) -> list[Incoming]:
    return [Incoming(load_record(r.pop("kind"), r), Location("t")) for r in records]


@pytest.fixture
def tampered_store(store: Store) -> Store:
    store.import_records(_incoming(*_records()), author="alice", reason="setup")
    store.import_records(
        _incoming(actor("prost", nationality=["CA"])), author="alice", reason="drop the alias"
    )
    store.delete("actor", "gone", author="alice", reason="duplicate")
    proposed = store.import_records(
        _incoming(actor("akane", nationality=["JP"])), author="bob", reason="new", propose=True
    )
    store.import_records(
        _incoming(actor("pending", nationality=["FR"])), author="bob", propose=True
    )
    store.accept(proposed.proposed, author="carol", reason="checked")
    assert store.verify() == []
    return store


def _sql(statement: str) -> Tamper:
    return lambda connection: connection.execute(text(statement))


def _pk(connection: Connection, kind: str, record_id: str) -> int:
    return connection.execute(
        text("SELECT pk FROM records WHERE kind = :k AND id = :i"), {"k": kind, "i": record_id}
    ).scalar_one()


def _indexed(connection: Connection, kind: str, record_id: str) -> tuple[int, str, str]:
    row = connection.execute(
        text(
            "SELECT r.pk, r.title, v.body FROM records r JOIN versions v"
            " ON v.kind = r.kind AND v.id = r.id AND v.version = r.version"
            " WHERE r.kind = :k AND r.id = :i"
        ),
        {"k": kind, "i": record_id},
    ).one()
    return row.pk, row.title, record_text(load_record(kind, orjson.loads(row.body)))


def _unindex(kind: str, record_id: str) -> Tamper:
    def tamper(connection: Connection) -> None:
        pk, title, body = _indexed(connection, kind, record_id)
        if connection.dialect.name == "postgresql":
            connection.execute(text("DELETE FROM search_index WHERE record_pk = :pk"), {"pk": pk})
        else:
            connection.execute(
                text(
                    "INSERT INTO search_index (search_index, rowid, title, body)"
                    " VALUES ('delete', :pk, :t, :b)"
                ),
                {"pk": pk, "t": title, "b": body},
            )

    return tamper


def _reindex_with(kind: str, record_id: str, words: str) -> Tamper:
    def tamper(connection: Connection) -> None:
        _unindex(kind, record_id)(connection)
        pk, title, _ = _indexed(connection, kind, record_id)
        column = "record_pk" if connection.dialect.name == "postgresql" else "rowid"
        connection.execute(
            text(f"INSERT INTO search_index ({column}, title, body) VALUES (:pk, :t, :b)"),
            {"pk": pk, "t": title, "b": words},
        )

    return tamper


def _delete_record(record_id: str) -> Tamper:
    def tamper(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":  # its index entry must go first there
            pk = _pk(connection, "actor", record_id)
            connection.execute(text("DELETE FROM search_index WHERE record_pk = :pk"), {"pk": pk})
        connection.execute(text("DELETE FROM records WHERE id = :i"), {"i": record_id})

    return tamper


def _extra_index_entry(connection: Connection) -> None:
    column = "record_pk" if connection.dialect.name == "postgresql" else "rowid"
    pk = _pk(connection, "actor", "gone")  # a deleted record's key: a row exists to point at
    connection.execute(
        text(f"INSERT INTO search_index ({column}, title, body) VALUES (:pk, 'x', 'planted')"),
        {"pk": pk},
    )


CASES: dict[str, tuple[Tamper, str]] = {
    "version body edited": (
        _sql("UPDATE versions SET body = replace(body, 'Designated', 'Cleared')"),
        "measure 'm-prost'): version 1 was altered",
    ),
    "version hash replaced": (
        _sql("UPDATE versions SET hash = '" + "0" * 64 + "' WHERE id = 'usa'"),
        "actor 'usa'): version 1 was altered",
    ),
    "version removed": (
        _sql("DELETE FROM versions WHERE id = 'r-canada'"),
        "response 'r-canada'): version 1 is missing",
    ),
    "version planted": (
        _sql(
            "INSERT INTO versions (kind, id, version, hash, body) VALUES"
            " ('actor', 'usa', 9, 'x', '{}')"
        ),
        "actor 'usa'): version 9 has no journal entry",
    ),
    "journal author rewritten": (
        _sql("UPDATE journal SET author = 'mallory' WHERE author = 'carol'"),
        "its contents do not match its hash",
    ),
    "journal reason rewritten": (
        _sql("UPDATE journal SET reason = 'routine' WHERE reason = 'duplicate'"),
        "its contents do not match its hash",
    ),
    "journal time moved": (
        _sql("UPDATE journal SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 2"),
        "journal entry 2",
    ),
    "journal entry removed": (
        _sql("DELETE FROM journal WHERE seq = 3"),
        "sequence jumps from 2 to 4",
    ),
    "journal relinked": (
        _sql("UPDATE journal SET prev_hash = '" + "1" * 64 + "' WHERE seq = 5"),
        "does not link to the entry before it",
    ),
    "journal tail cut": (
        _sql("DELETE FROM journal WHERE seq = (SELECT MAX(seq) FROM journal)"),
        "actor 'akane'): the record has no journal entry",
    ),
    "record hidden as deleted": (
        _sql("UPDATE records SET deleted = true WHERE id = 'prost'"),
        "actor 'prost')",
    ),
    "deleted record revived": (
        _sql("UPDATE records SET deleted = false WHERE id = 'gone'"),
        "actor 'gone'): records.deleted is False",
    ),
    "restricted record published": (
        _sql("UPDATE records SET visibility = 'public' WHERE id = 'witness'"),
        "actor 'witness'): records.visibility is 'public'",
    ),
    "withheld flag cleared": (
        _sql("UPDATE records SET withheld = false WHERE id = 'm-witness'"),
        "measure 'm-witness'): records.withheld is false",
    ),
    "withheld flag set": (
        _sql("UPDATE records SET withheld = true WHERE id = 'm-prost'"),
        "measure 'm-prost'): records.withheld is true",
    ),
    "title rewritten": (
        _sql("UPDATE records SET title = 'Someone else' WHERE id = 'prost'"),
        "actor 'prost'): records.title is 'Someone else'",
    ),
    "date moved": (
        _sql("UPDATE records SET date = '1999-01-01' WHERE id = 'm-prost'"),
        "measure 'm-prost'): records.date is '1999-01-01'",
    ),
    "current version rolled back": (
        _sql("UPDATE records SET version = 1 WHERE id = 'prost'"),
        "actor 'prost'): the current version is not the journaled one",
    ),
    "current hash replaced": (
        _sql("UPDATE records SET hash = '" + "2" * 64 + "' WHERE id = 'usa'"),
        "actor 'usa'): the current version is not the journaled one",
    ),
    "update time rewritten": (
        _sql("UPDATE records SET updated_at = '2020-01-01T00:00:00.000Z' WHERE id = 'usa'"),
        "actor 'usa'): records.updated_at",
    ),
    "current record removed": (
        _delete_record("akane"),
        "actor 'akane'): journaled, but missing from the records",
    ),
    "pointer removed": (
        _sql("DELETE FROM refs WHERE from_id = 'r-canada' AND field = 'answers.measure'"),
        "response 'r-canada'): refs is missing its pointer answers.measure → measure 'm-prost'",
    ),
    "pointer planted": (
        _sql(
            "INSERT INTO refs (from_kind, from_id, field, to_kind, to_id) VALUES"
            " ('response', 'r-canada', 'answers.measure', 'measure', 'm-witness')"
        ),
        "response 'r-canada'): refs holds a pointer it lacks",
    ),
    "pointer from a deleted record": (
        _sql(
            "INSERT INTO refs (from_kind, from_id, field, to_kind, to_id) VALUES"
            " ('actor', 'gone', 'sources', 'source', 'x')"
        ),
        "actor 'gone'): refs holds a pointer (sources) from no live record",
    ),
    "pointer retargeted": (
        _sql("UPDATE refs SET to_id = 'witness' WHERE from_id = 'm-prost' AND field = 'target'"),
        "measure 'm-prost'): refs is missing its pointer target",
    ),
    "search entry removed": (
        _unindex("actor", "prost"),
        "actor 'prost'): ",
    ),
    "search entry rewritten": (
        _reindex_with("measure", "m-prost", "nothing to see here"),
        "measure 'm-prost'): its search index entry is not its current text",
    ),
    "search entry planted": (_extra_index_entry, "the search index holds entry"),
    "proposal marked accepted": (
        _sql("UPDATE proposals SET status = 'accepted' WHERE record_id = 'pending'"),
        "differs from its journal entries in status",
    ),
    "proposal removed": (
        _sql("DELETE FROM proposals WHERE record_id = 'akane'"),
        "is missing from the proposals table",
    ),
    "proposal planted": (
        _sql(
            "INSERT INTO proposals (seq, kind, record_id, version, base_version, status)"
            " VALUES (1, 'actor', 'usa', 2, 1, 'open')"
        ),
        "which the journal never proposed",
    ),
}


def test_the_suite_covers_at_least_twenty_tamperings():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", sorted(CASES))
def test_verify_names_every_tampering(tampered_store: Store, case: str):
    tamper, expected = CASES[case]
    with tampered_store.engine.begin() as connection:
        tamper(connection)
    faults = [str(fault) for fault in tampered_store.verify()]
    assert faults, f"{case}: verify found nothing"
    assert any(expected in fault for fault in faults), faults
