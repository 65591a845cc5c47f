"""The store as one object: the library API the CLI, web app and exporters call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from coercionwatch.ingest import Incoming
from coercionwatch.model import Location, Problem, Record, UpdateNote
from coercionwatch.model.lists import ListSnapshot

from . import lists, reader, search, writer
from .database import create_database_engine, migrate
from .journal import ChainFault, check_chain
from .reader import StoredRecord, Version
from .writer import ImportSummary


class Store:
    """Records, their versions and the journal in one SQL database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, location: str | None = None) -> Store:
        """Open (and create or upgrade) the database at a path or SQLAlchemy URL."""
        engine = create_database_engine(location)
        migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            connection.execution_options(writes=True)
            with connection.begin():
                yield connection

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    # writing

    def import_records(
        self,
        items: Iterable[Incoming | Problem],
        *,
        author: str,
        reason: str | None = None,
        on_record: Callable[[], None] | None = None,
    ) -> ImportSummary:
        """All or nothing: raises InvalidInput, having written nothing, on any problem."""
        with writer.fewer_collections(), self._writing() as connection:
            return writer.import_records(
                connection, items, author=author, reason=reason, on_record=on_record
            )

    def save(self, record: Record, *, author: str, reason: str | None = None) -> ImportSummary:
        return self.import_records(
            [Incoming(record, Location("(edit)"))], author=author, reason=reason
        )

    def record_list_snapshot(
        self,
        snapshot: ListSnapshot,
        members: list[tuple[str, str]],
        bodies: dict[str, str],
        records: Iterable[Incoming],
        *,
        author: str,
        reason: str | None = None,
    ) -> ImportSummary:
        """A list snapshot and the records drafted from it, in one transaction."""
        with writer.fewer_collections(), self._writing() as connection:
            summary = writer.import_records(connection, records, author=author, reason=reason)
            lists.save_snapshot(connection, snapshot, members, bodies)
            return summary

    def latest_list_snapshot(self, list_name: str) -> lists.SnapshotRow | None:
        with self._reading() as connection:
            return lists.latest_snapshot(connection, list_name)

    def list_snapshot_with_sha256(self, list_name: str, sha256: str) -> lists.SnapshotRow | None:
        """A snapshot taken from these very files before, to know a list read twice."""
        with self._reading() as connection:
            return lists.snapshot_with_sha256(connection, list_name, sha256)

    def list_snapshot_members(self, snapshot_id: int) -> dict[str, str]:
        with self._reading() as connection:
            return lists.snapshot_members(connection, snapshot_id)

    def list_entry_bodies(self, digests: Iterable[str]) -> dict[str, str]:
        with self._reading() as connection:
            return lists.entry_bodies(connection, digests)

    def delete(self, kind: str, record_id: str, *, author: str, reason: str | None = None) -> None:
        with self._writing() as connection:
            writer.delete_record(connection, kind, record_id, author=author, reason=reason)

    # reading

    def get(self, kind: str, record_id: str) -> StoredRecord | None:
        with self._reading() as connection:
            return reader.get(connection, kind, record_id)

    def records(
        self,
        kind: str | None = None,
        *,
        public_only: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[StoredRecord]:
        with self._reading() as connection:
            yield from reader.iter_records(
                connection, kind, public_only=public_only, limit=limit, offset=offset
            )

    def count(self, kind: str | None = None) -> dict[str, int]:
        with self._reading() as connection:
            return reader.count(connection, kind)

    def history(self, kind: str, record_id: str) -> list[Version]:
        with self._reading() as connection:
            return reader.history(connection, kind, record_id)

    def update_log(self, slug: str) -> list[UpdateNote]:
        with self._reading() as connection:
            return reader.journal_updates(connection, "incident", slug)

    def update_logs(self, kind: str = "incident") -> dict[str, list[UpdateNote]]:
        with self._reading() as connection:
            return reader.all_journal_updates(connection, kind)

    def journal_head(self) -> int:
        """The sequence number of the newest journal entry: any write moves it."""
        with self._reading() as connection:
            return reader.journal_head(connection)

    def restricted_keys(self) -> set[tuple[str, str]]:
        """(kind, id) of every restricted record, for the public projection."""
        with self._reading() as connection:
            return reader.restricted_keys(connection)

    def referrers(self, kind: str, record_id: str) -> list[tuple[str, str, str]]:
        with self._reading() as connection:
            return reader.referrers(connection, kind, record_id)

    def search(
        self,
        query: str,
        *,
        kind: str | None = None,
        public_only: bool = False,
        limit: int = 20,
        marks: tuple[str, str] = ("[", "]"),
    ) -> list[search.SearchHit]:
        """Best matches first; `marks` go around each matched word in the snippet."""
        with self._reading() as connection:
            return search.search(
                connection, query, kind=kind, public_only=public_only, limit=limit, marks=marks
            )

    def verify(self) -> list[ChainFault]:
        """Every fault in the journal chain, the stored versions and the current records."""
        with self._reading() as connection:
            return list(check_chain(connection))
