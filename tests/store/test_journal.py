import pytest
from sqlalchemy import text

from coercionwatch.ingest import Incoming
from coercionwatch.model import InvalidInput, Location, load_record
from tests.helpers import basic_records, import_files, write_json


@pytest.fixture
def filled(store, tmp_path):
    import_files(store, write_json(tmp_path / "r.json", basic_records()), reason="first load")
    return store


def _set(store, sql, **params):
    with store.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_every_write_is_journaled_and_chained(filled):
    assert filled.verify() == []
    entries = [v.entry for v in filled.history("measure", "m-prost")]
    assert [(e.action, e.version, e.author, e.reason) for e in entries] == [
        ("create", 1, "tester", "first load")
    ]


def test_an_update_adds_a_version_and_keeps_the_old_one(filled):
    current = filled.get("measure", "m-prost").record
    lifted = current.model_copy(update={"status": "lifted", "status_date": "2026-01-10"})
    summary = filled.save(lifted, author="editor", reason="Designation removed")
    assert (summary.created, summary.updated) == (0, 1)
    versions = filled.history("measure", "m-prost")
    assert [v.entry.version for v in versions] == [1, 2]
    assert versions[0].body["status"] == "active"
    assert versions[1].body["status"] == "lifted"
    assert filled.get("measure", "m-prost").version == 2
    assert filled.verify() == []


def test_history_tells_what_each_version_changed(filled):
    current = filled.get("measure", "m-prost").record
    filled.save(current.model_copy(update={"status": "lifted"}), author="editor")
    proposed = current.model_copy(update={"status": "threatened", "program": "X"})
    (seq,) = filled.import_records(
        [Incoming(proposed, Location("t"))], author="bot", propose=True
    ).proposed
    filled.accept([seq], author="editor", reason=None)
    filled.delete("measure", "m-prost", author="editor")
    versions = filled.history("measure", "m-prost")
    changes = [(v.entry.action, v.changes) for v in versions]
    assert changes[0][0] == "create" and changes[0][1]["status"]["after"] == "active"
    assert changes[1:] == [
        ("update", {"status": {"before": "active", "after": "lifted"}}),
        (
            "propose",
            {
                "program": {"before": None, "after": "X"},
                "status": {"before": "lifted", "after": "threatened"},
            },
        ),
        ("accept", {}),
        (
            "update",
            {
                "program": {"before": None, "after": "X"},
                "status": {"before": "lifted", "after": "threatened"},
            },
        ),
        ("delete", {}),
    ]


def test_saving_the_same_record_again_writes_nothing(filled):
    record = filled.get("actor", "prost").record
    summary = filled.save(record, author="editor")
    assert summary.unchanged == 1
    assert len(filled.history("actor", "prost")) == 1


def test_delete_is_refused_while_referenced_then_journaled(filled):
    with pytest.raises(InvalidInput, match="still referred to by measure 'm-prost'"):
        filled.delete("actor", "prost", author="editor")
    filled.delete("measure", "m-prost", author="editor", reason="Entered twice")
    assert filled.get("measure", "m-prost") is None
    filled.delete("actor", "prost", author="editor")
    history = filled.history("measure", "m-prost")
    assert [v.entry.action for v in history] == ["create", "delete"]
    assert history[0].body is not None and history[1].body is None
    assert filled.verify() == []
    # A deleted record can come back; its numbering continues.
    revived = load_record("actor", history_body(filled, "actor", "prost"))
    filled.import_records([Incoming(revived, Location("t"))], author="editor")
    assert filled.get("actor", "prost").version == 3
    assert filled.verify() == []


def history_body(store, kind, record_id):
    return next(v.body for v in store.history(kind, record_id) if v.body)


def test_verify_finds_an_altered_version(filled):
    _set(
        filled,
        "UPDATE versions SET body = replace(body, 'designation', 'threat') WHERE id = 'm-prost'",
    )
    faults = filled.verify()
    assert faults
    assert faults[0].seq == 3 and "version 1 was altered" in str(faults[0])
    assert str(faults[0]).startswith("journal entry 3 (measure 'm-prost')")


def test_verify_finds_an_altered_journal_entry(filled):
    _set(filled, "UPDATE journal SET author = 'someone else' WHERE seq = 2")
    faults = filled.verify()
    assert faults[0].seq == 2 and "do not match its hash" in faults[0].message


def test_verify_finds_a_removed_entry(filled):
    _set(filled, "DELETE FROM journal WHERE seq = 2")
    faults = filled.verify()
    assert faults[0].seq == 3
    assert "sequence jumps" in faults[0].message


def test_verify_finds_a_rewritten_current_pointer(filled):
    _set(filled, "UPDATE records SET hash = :h WHERE id = 'usa'", h="0" * 64)
    (fault,) = filled.verify()
    assert fault.record_id == "usa" and "not the journaled one" in fault.message
