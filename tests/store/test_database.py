import time
from collections.abc import Iterator

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.exc import OperationalError

from coercionwatch.store import (
    MissingDatabase,
    Store,
    database_place,
    database_url,
    is_lock_timeout,
)
from coercionwatch.store.database import (
    DEFAULT_LOCK_TIMEOUT,
    LOCK_TIMEOUT_VARIABLE,
    MIGRATION_LOCK,
    SCHEMA_HEAD,
    alembic_config,
    schema_revision,
)
from tests.conftest import postgres_schema
from tests.helpers import basic_records, import_files, write_json
from tests.locks import contend, holding, is_postgres


def test_the_known_head_is_alembics_head():
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


def test_opening_creates_then_reuses_the_schema(database):
    with Store.open(database) as first:
        assert schema_revision(first.engine) == SCHEMA_HEAD
    with Store.open(database) as again:
        assert again.count() == {}


def test_locations_become_urls(tmp_path):
    assert database_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url(None).endswith("/coercionwatch.db")


def test_only_a_writer_creates_a_database(tmp_path):
    typo = tmp_path / "recrod.db"
    with pytest.raises(MissingDatabase, match="no database at"):
        Store.open(str(typo), create=False)
    with pytest.raises(MissingDatabase):
        Store.check(str(typo))
    assert not typo.exists()
    Store.open(str(typo)).close()
    Store.open(str(typo), create=False).close()
    Store.check(str(typo))


def test_a_file_that_holds_no_record_is_not_taken_for_one(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(MissingDatabase, match="holds no Coercion Watch record"):
        Store.open(str(empty), create=False)
    assert empty.read_bytes() == b""


def test_only_two_kinds_of_database_are_taken(tmp_path):
    with pytest.raises(ValueError, match="mysql is not supported"):
        database_url("mysql://h/db")


def test_a_database_is_named_without_its_password(tmp_path):
    assert database_place("postgresql://ana:secret@h/db") == "postgresql://ana:***@h/db"
    assert database_place("postgresql://ana:secret@h:port/db") == "postgresql://ana:***@h:port/db"
    assert database_place(str(tmp_path / "x.db")) == str(tmp_path / "x.db")


def _open(database: str) -> None:
    Store.open(database).close()


def test_five_processes_opening_a_new_database_at_once_all_succeed(database):
    # Each waits on the lock the migration takes, so that all five then start together.
    with holding(database, MIGRATION_LOCK):
        openers = [contend(_open, database) for _ in range(5)]
        for opener in openers:
            opener.wait_until_waiting()
    assert [opener.outcome() for opener in openers] == ["ok"] * 5
    with Store.open(database) as store:
        assert schema_revision(store.engine) == SCHEMA_HEAD
        assert store.count() == {} and store.verify() == []


def test_a_writer_gives_up_after_the_lock_timeout(database, tmp_path, monkeypatch):
    path = write_json(tmp_path / "r.json", basic_records())
    monkeypatch.setenv(LOCK_TIMEOUT_VARIABLE, "0.2")
    with Store.open(database) as store, holding(database):
        started = time.monotonic()
        with pytest.raises(OperationalError) as caught:
            import_files(store, path)
        assert is_lock_timeout(caught.value)
        assert time.monotonic() - started < DEFAULT_LOCK_TIMEOUT
    with Store.open(database, lock_timeout=5) as store:
        assert import_files(store, path).created == 3


@pytest.fixture
def neighbour(database: str, tmp_path) -> Iterator[str]:
    """Another store beside `database`: another schema of the same PostgreSQL database, or
    another SQLite file."""
    if not is_postgres(database):
        yield str(tmp_path / "neighbour.db")
        return
    with postgres_schema("n") as location:
        yield location


def test_a_store_never_waits_for_the_lock_of_another_store(
    database, neighbour, tmp_path, monkeypatch
):
    # The writer lock is this store's own: a writer of the neighbour goes straight on.
    path = write_json(tmp_path / "r.json", basic_records())
    monkeypatch.setenv(LOCK_TIMEOUT_VARIABLE, "0.5")
    with holding(database), Store.open(neighbour) as store:
        assert import_files(store, path).created == 3
    # And the lock held in the neighbour still stops a writer of the neighbour.
    with Store.open(neighbour) as store, holding(neighbour):
        with pytest.raises(OperationalError) as caught:
            store.delete("measure", "m-prost", author="x")
        assert is_lock_timeout(caught.value)


@pytest.mark.parametrize("setting", ["soon", "0", "-1", "inf"])
def test_a_lock_timeout_must_be_a_positive_number_of_seconds(setting, monkeypatch, tmp_path):
    monkeypatch.setenv(LOCK_TIMEOUT_VARIABLE, setting)
    with pytest.raises(ValueError, match="seconds"):
        Store.open(str(tmp_path / "x.db"))
