"""The answers table, on SQLite and PostgreSQL: one row a current response, as its own body
gives it, written with the version and gone with a deletion; coverage reads it with the
projection's verdict on what it names; verify recomputes it; migration 0009 derives it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from coercionwatch.store import Store
from coercionwatch.store.coverage import answer_rows
from coercionwatch.store.schema import answers, records
from tests.helpers import actor, import_files, measure, write_lines


def _response(rid: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "response",
        "id": rid,
        "actor": "canada",
        "stance": "condemn",
        "forum": "un-new-york",
        "channel": "joint-statement",
        "date": "2025-09-02",
        "answers": [{"measure": "m2"}, {"measure": "m1"}],
        **fields,
    }


def _records() -> list[dict[str, Any]]:
    return [
        actor("usa", type="state", country="US"),
        actor("canada", type="state", country="CA"),
        actor("kenya", type="state", country="KE"),
        actor("chile", type="state", country="CL"),
        actor("informant", visibility="restricted"),
        actor("judge"),
        measure("m1", "judge", date="2025-09-01"),
        measure("m2", "judge", date="2025-09-01"),
        measure("m-secret", "judge", date="2025-09-01", visibility="restricted"),
        _response(
            "joint",
            members=["kenya", "chile", "canada", "informant"],
            member_count=79,
        ),
        _response("alone", actor="chile", answers=[{"measure": "m-secret"}, {"measure": "m1"}]),
        {
            "kind": "response",
            "id": "to-a-response",
            "actor": "kenya",
            "stance": "concern",
            "forum": "national",
            "answers": [{"response": "joint"}],
        },
    ]


def _table(store: Store) -> dict[str, dict[str, Any]]:
    with store.reading() as connection:
        query = select(records.c.id, answers).join(records, records.c.pk == answers.c.record_pk)
        return {
            row.id: {k: v for k, v in row._asdict().items() if k not in ("id", "record_pk")}
            for row in connection.execute(query)
        }


def _load(store: Store, tmp_path, rows: list[dict[str, Any]] | None = None) -> None:
    import_files(store, write_lines(tmp_path / "record.jsonl", rows or _records()))


def test_each_response_has_one_row_from_its_own_body(store, tmp_path):
    _load(store, tmp_path)
    table = _table(store)
    assert sorted(table) == ["alone", "joint", "to-a-response"]
    assert table["joint"] == {
        "measures": "m1 m2",
        "speakers": "canada chile informant kenya",
        "actor": "canada",
        "forum": "un-new-york",
        "channel": "joint-statement",
        "member_count": 79,
    }
    assert table["alone"]["measures"] == "m-secret m1"
    assert table["to-a-response"]["measures"] == ""  # it answers no measure
    assert table["to-a-response"]["channel"] == "unknown"
    assert store.verify() == []


def test_a_new_version_rewrites_its_row_and_a_deletion_removes_it(store, tmp_path):
    _load(store, tmp_path)
    changed = _response("joint", members=["kenya"], forum="national")
    import_files(store, write_lines(tmp_path / "changed.jsonl", [changed]))
    store.delete("response", "alone", author="editor", reason="duplicate")
    table = _table(store)
    assert sorted(table) == ["joint", "to-a-response"]
    assert (table["joint"]["speakers"], table["joint"]["forum"]) == ("canada kenya", "national")
    assert table["joint"]["member_count"] is None
    assert store.verify() == []


def test_coverage_reads_only_what_the_projection_shows(store, tmp_path):
    _load(store, tmp_path)
    with store.reading() as connection:
        public = {r.response: r for r in answer_rows(connection, None, public_only=True).values()}
        everything = {
            r.response: r for r in answer_rows(connection, None, public_only=False).values()
        }
        only_m2 = answer_rows(connection, ["m2"], public_only=True)
    assert sorted(everything) == ["alone", "joint"]  # one answering no measure is no answer
    assert everything["joint"].speakers == ["canada", "chile", "informant", "kenya"]
    assert public["joint"].speakers == ["canada", "chile", "kenya"]
    assert (public["joint"].actor, public["joint"].member_count) == ("canada", 79)
    assert everything["alone"].measures == ["m-secret", "m1"]
    assert public["alone"].measures == ["m1"]
    assert [r.response for r in only_m2.values()] == ["joint"]


def test_verify_recomputes_the_answers_table(store, tmp_path):
    _load(store, tmp_path)
    with store.engine.begin() as connection:
        pks = dict(connection.execute(select(records.c.id, records.c.pk)).all())
        connection.execute(delete(answers).where(answers.c.record_pk == pks["alone"]))
        connection.execute(
            update(answers).where(answers.c.record_pk == pks["joint"]).values(speakers="canada")
        )
        connection.execute(
            insert(answers).values(
                record_pk=pks["judge"],
                measures="m1",
                speakers="judge",
                actor="judge",
                forum="national",
                channel="unknown",
            )
        )
        connection.execute(
            insert(answers).values(
                record_pk=999_999,
                measures="m1",
                speakers="kenya",
                actor="kenya",
                forum="national",
                channel="unknown",
            )
        )
    messages = [(f.record_id, f.message) for f in store.verify()]
    assert ("alone", "the answers table has no row for this response") in messages
    assert (
        "joint",
        "answers.speakers is 'canada', its version says 'canada chile informant kenya'",
    ) in messages
    assert ("judge", "the answers table holds a row for a record that is no live response") in (
        messages
    )
    assert (None, "the answers table holds a row of record 999999") in messages


def test_migration_0009_derives_the_table_of_a_database_without_it(database, tmp_path):
    with Store.open(database) as store:
        _load(store, tmp_path)
        expected = _table(store)
        with store.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE answers")
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0008'")
    with Store.open(database) as store:
        assert _table(store) == expected
        assert store.verify() == []
