"""Writers that race one another: every check a write depends on runs under the write lock."""

from pathlib import Path

import pytest
from sqlalchemy import text

from coercionwatch.ingest import Incoming
from coercionwatch.model import InvalidInput, Location
from coercionwatch.store import Store, VersionConflict
from tests.helpers import actor, basic_records, import_files, measure, write_json
from tests.locks import contend, holding, is_postgres


def _import(database: str, path: str) -> None:
    with Store.open(database) as store:
        import_files(store, Path(path))


def _delete(database: str, kind: str, record_id: str) -> None:
    with Store.open(database) as store:
        store.delete(kind, record_id, author="remover")


def _save_status(database: str, status: str) -> None:
    """An edit of measure m-prost that was opened at version 1."""
    with Store.open(database) as store:
        record = store.get("measure", "m-prost").record.model_copy(update={"status": status})
        store.save(record, author=status, expected_version=1)


def _dangling(store: Store) -> list[tuple[str, str, str, str]]:
    """Pointers from a current record to a record that is not current."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT r.from_kind, r.from_id, r.to_kind, r.to_id FROM refs r"
                " JOIN records f ON f.kind = r.from_kind AND f.id = r.from_id AND NOT f.deleted"
                " LEFT JOIN records t ON t.kind = r.to_kind AND t.id = r.to_id AND NOT t.deleted"
                " WHERE t.pk IS NULL"
            )
        )
        return [tuple(row) for row in rows]


def test_a_delete_racing_an_import_never_strands_a_pointer(database, tmp_path):
    with Store.open(database) as store:
        import_files(store, write_json(tmp_path / "r.json", [*basic_records(), actor("target")]))
    pointer = write_json(tmp_path / "m.json", [measure("m-target", "target")])
    with holding(database):
        importing = contend(_import, database, str(pointer))
        importing.wait_until_waiting()
        deleting = contend(_delete, database, "actor", "target")
        deleting.wait_until_waiting()
    imported, deleted = importing.outcome(), deleting.outcome()
    with Store.open(database) as store:
        assert _dangling(store) == []
        assert store.verify() == []
    if is_postgres(database):
        # The lock goes to waiters in turn: the import first, then the delete, which checked
        # for pointers before taking the lock and so missed the import's.
        assert imported == "ok"
        assert deleted.startswith("InvalidInput")
        assert "still referred to by measure 'm-target'" in deleted
    else:
        # SQLite lets in whichever writer retries first; the other must be refused.
        assert [imported, deleted].count("ok") == 1
        assert "still referred to" in deleted or "refers to actor 'target'" in imported


def test_of_two_saves_based_on_one_version_the_second_is_refused(database, tmp_path):
    with Store.open(database) as store:
        import_files(store, write_json(tmp_path / "r.json", basic_records()))
    with holding(database):
        first = contend(_save_status, database, "lifted")
        first.wait_until_waiting()
        second = contend(_save_status, database, "enjoined")
        second.wait_until_waiting()
    outcomes = [first.outcome(), second.outcome()]
    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} == {
        "VersionConflict: measure 'm-prost': expected at version 1, but it is at version 2"
    }
    with Store.open(database) as store:
        assert [v.entry.version for v in store.history("measure", "m-prost")] == [1, 2]
        assert store.verify() == []


@pytest.fixture
def filled(store, tmp_path):
    import_files(store, write_json(tmp_path / "r.json", basic_records()))
    return store


def _incoming(*records):
    return [Incoming(record, Location("t")) for record in records]


def test_expected_versions_are_checked_and_the_versions_written_reported(filled):
    current = filled.get("measure", "m-prost")
    lifted = current.record.model_copy(update={"status": "lifted"})
    summary = filled.import_records(
        _incoming(lifted), author="t", expected_versions={("measure", "m-prost"): 1}
    )
    assert summary.updated == 1 and summary.versions == {("measure", "m-prost"): 2}

    with pytest.raises(VersionConflict) as caught:
        filled.import_records(
            _incoming(lifted.model_copy(update={"status": "ended"})),
            author="t",
            expected_versions={("measure", "m-prost"): 1, ("actor", "prost"): 1},
        )
    (conflict,) = caught.value.conflicts
    assert (conflict.kind, conflict.record_id, conflict.expected, conflict.found) == (
        "measure",
        "m-prost",
        1,
        2,
    )
    assert filled.get("measure", "m-prost").record.status == "lifted"
    assert filled.journal_head() == 4


def test_version_zero_means_the_record_must_not_exist(filled):
    prost = filled.get("actor", "prost").record
    with pytest.raises(VersionConflict, match="expected not to exist, but it is at version 1"):
        filled.save(prost.model_copy(update={"name": "K. Prost"}), author="t", expected_version=0)
    fresh = prost.model_copy(update={"id": "someone-new"})
    assert filled.save(fresh, author="t", expected_version=0).versions == {
        ("actor", "someone-new"): 1
    }
    filled.delete("actor", "someone-new", author="t")
    with pytest.raises(VersionConflict, match="expected at version 1, but it does not exist"):
        filled.save(fresh, author="t", expected_version=1)
    assert filled.save(fresh, author="t", expected_version=0).versions == {
        ("actor", "someone-new"): 3
    }


def test_save_reports_the_current_version_even_when_nothing_changed(filled):
    prost = filled.get("actor", "prost").record
    summary = filled.save(prost, author="t")
    assert summary.unchanged == 1 and summary.versions == {("actor", "prost"): 1}


def test_a_refused_delete_writes_nothing(filled):
    with pytest.raises(InvalidInput, match="still referred to by measure 'm-prost'"):
        filled.delete("actor", "prost", author="t")
    assert filled.journal_head() == 3 and filled.verify() == []
