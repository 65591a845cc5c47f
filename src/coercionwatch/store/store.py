"""The store as one object: the library API the CLI, web app and exporters call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from coercionwatch.ingest import Incoming
from coercionwatch.model import InvalidInput, Location, Problem, Record, UpdateNote, note
from coercionwatch.model.blobs import BlobFile
from coercionwatch.model.canonical import content_hash
from coercionwatch.model.kinds import load_record, stored_body
from coercionwatch.model.lists import ListSnapshot
from coercionwatch.model.records import Archive
from coercionwatch.model.types import utc_timestamp

from . import lists, log, proposals, reader, search, writer
from .conflicts import live_versions
from .database import create_database_engine, migrate, require_database
from .derived import check_derived
from .journal import ChainFault, check_chain
from .reader import StoredRecord, Version
from .writer import ImportSummary

if TYPE_CHECKING:
    from .archive import CopyState, Mirror

RESTATISTICS = 1000
"""Records written by one import past which SQLite's table statistics are refreshed."""


class Store:
    """Records, their versions and the journal in one SQL database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(
        cls, location: str | None = None, *, lock_timeout: float | None = None, create: bool = True
    ) -> Store:
        """Open (and create or upgrade) the database at a path or SQLAlchemy URL; with
        `create=False`, raise MissingDatabase instead of creating one.

        A writer waits at most `lock_timeout` seconds for another (default: the
        COERCIONWATCH_LOCK_TIMEOUT variable, else 30), then fails with a lock error.
        """
        engine = create_database_engine(location, lock_seconds=lock_timeout)
        try:
            if not create:
                require_database(engine)
            migrate(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @staticmethod
    def check(location: str | None = None) -> None:
        """Refuse a database that is missing (MissingDatabase, as `open(create=False)` does) or
        cannot be reached (the driver's error), creating and upgrading nothing: for a server
        whose workers open it themselves."""
        engine = create_database_engine(location)
        try:
            require_database(engine)
            with engine.connect():
                pass
        finally:
            engine.dispose()

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
    def reading(self) -> Iterator[Connection]:
        """A connection for a reader that asks several questions (a page, an export)."""
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
        expected_versions: Mapping[tuple[str, str], int] | None = None,
        propose: bool = False,
        add_only: bool = False,
    ) -> ImportSummary:
        """All or nothing: raises InvalidInput, having written nothing, on any problem.
        With `propose`, changes are stored as proposals, for a person to accept or reject.
        With `add_only`, only records the store never had are written: one that exists,
        changed since or not, is kept as it is (the summary counts it as `kept`).

        `expected_versions` maps (kind, id) to the version a change was based on (0: the
        record must not exist yet). Checked under the write lock, a mismatch raises
        VersionConflict and nothing is written; otherwise the summary's `versions` gives
        the version each of those records is at now.
        """
        with writer.fewer_collections(), self._writing() as connection:
            summary = writer.import_records(
                connection,
                items,
                author=author,
                reason=reason,
                on_record=on_record,
                expected_versions=expected_versions,
                propose=propose,
                add_only=add_only,
            )
            if expected_versions:
                summary.versions = live_versions(connection, expected_versions)
        if summary.created + summary.updated >= RESTATISTICS:
            self._analyze()
        return summary

    def _analyze(self) -> None:
        """Refresh SQLite's table statistics after a large import: without them its planner
        answers `kind = ? AND id IN (…)` by scanning an index of every record (2 ms where
        0.1 ms will do at 100,000 records). PostgreSQL's autovacuum keeps its own."""
        if self.engine.dialect.name != "sqlite":
            return
        with self._writing() as connection:
            connection.exec_driver_sql("ANALYZE")

    def save(
        self,
        record: Record,
        *,
        author: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> ImportSummary:
        """One record; with `expected_version`, only if it is still at that version (see
        import_records). The summary's `versions` gives the version now current."""
        key = (record.kind, record.id)
        with self._writing() as connection:
            summary = writer.import_records(
                connection,
                [Incoming(record, Location("(edit)"))],
                author=author,
                reason=reason,
                expected_versions=None if expected_version is None else {key: expected_version},
            )
            summary.versions = live_versions(connection, [key])
            return summary

    def keep_capture(
        self,
        source_id: str,
        captured: Archive,
        files: list[BlobFile],
        mirrors: list[Mirror],
        *,
        author: str,
        reason: str | None = None,
    ) -> tuple[ImportSummary, list[CopyState]]:
        """A capture kept whole or not at all: its files on every mirror that answers, then,
        in one transaction, the blobs and their copies, the source's new version carrying
        the capture, and the capture's digest as a leaf of the log. If no mirror took a
        file, or the record cannot be saved, the files new to the archive are removed."""
        from . import archive  # obstore, only where files are kept

        stored = self.get("source", source_id)
        where = Location(f"source {source_id}")
        if stored is None:
            raise InvalidInput([Problem(where, "no such source in the record")])
        copies = archive.write_copies(mirrors, files)

        def every_file_taken() -> None:
            for blob in files:
                taken = [c for c in copies if c.sha256 == blob.sha256 and c.state == "present"]
                if not taken:
                    reasons = "; ".join(
                        f"{c.mirror}: {c.detail}" for c in copies if c.sha256 == blob.sha256
                    )
                    raise InvalidInput(
                        [Problem(where, f"no mirror took the captured file ({reasons})")]
                    )

        try:
            every_file_taken()
            kept = captured.model_copy(update={"mirrors": [m.name for m in mirrors]})
            body = stored_body(stored.record)
            body["archive"] = kept.model_dump(mode="json", by_alias=True, exclude_none=True)
            record = load_record("source", body)
            with self._writing() as connection:
                summary = writer.import_records(
                    connection,
                    [Incoming(record, where)],
                    author=author,
                    reason=reason or f"captured {captured.requested}",
                )
                copies = archive.still_present(mirrors, files, copies)
                every_file_taken()
                archive.record_blobs(connection, files, copies)
                log.append_leaves(connection, "capture", [capture_leaf(kept)])
                summary.versions = live_versions(connection, [("source", source_id)])
        except BaseException:
            with suppress(Exception), self._writing() as connection:
                # Best effort: failing here (the database down) leaves orphan copies, which
                # are harmless, and must not hide why the capture failed.
                archive.remove_new_copies(connection, mirrors, copies)
            raise
        return summary, copies

    def record_copies(self, states: list[CopyState], *, at: str) -> None:
        """What `archive verify` or `archive mirror` saw of each copy."""
        from . import archive

        with self._writing() as connection:
            archive.record_copies(connection, states, at=at)

    def record_list_snapshot(
        self,
        snapshot: ListSnapshot,
        members: list[tuple[str, str]],
        bodies: dict[str, str],
        records: Iterable[Incoming],
        *,
        compared_with: int | None,
        author: str,
        reason: str | None = None,
    ) -> ImportSummary:
        """A list snapshot and the records drafted from it, as proposals, in one transaction:
        what a program inferred from a list waits for a person to accept it.

        `compared_with` is the snapshot the reading was judged against; if another reading
        of the list was recorded since, nothing is written (InvalidInput)."""
        with writer.fewer_collections(), self._writing() as connection:
            summary = writer.import_records(
                connection, records, author=author, reason=reason, propose=True
            )
            # Under the write lock now: no other reading can slip in before this one.
            latest = lists.latest_snapshot(connection, snapshot.list_name)
            if (latest.id if latest else None) != compared_with:
                message = (
                    f"another reading of {snapshot.list_name} was recorded while this one was "
                    "compared; nothing written, run watch again"
                )
                raise InvalidInput([Problem(Location(snapshot.source), message)])
            lists.save_snapshot(connection, snapshot, members, bodies)
            return summary

    def latest_list_snapshot(
        self, list_name: str, sha256: str | None = None
    ) -> lists.SnapshotRow | None:
        """The newest snapshot of a list; with `sha256`, the newest taken from those very
        files (to know a list read twice)."""
        with self.reading() as connection:
            return lists.latest_snapshot(connection, list_name, sha256)

    def list_snapshot_members(self, snapshot_id: int) -> dict[str, str]:
        with self.reading() as connection:
            return lists.snapshot_members(connection, snapshot_id)

    def list_entry_bodies(self, digests: Iterable[str]) -> dict[str, str]:
        with self.reading() as connection:
            return lists.entry_bodies(connection, digests)

    def proposals(
        self, status: str | None = "open", kind: str | None = None
    ) -> list[proposals.Proposal]:
        """Proposals in the order they were made (all of them when `status` is None)."""
        with self.reading() as connection:
            return proposals.list_proposals(connection, status, kind)

    def accept(
        self, seqs: Iterable[int], *, author: str, reason: str | None, four_eyes: bool = False
    ) -> ImportSummary:
        """Make proposals current, all or nothing; with `four_eyes`, never one's own."""
        with self._writing() as connection:
            return proposals.accept(
                connection, seqs, author=author, reason=reason, four_eyes=four_eyes
            )

    def reject(self, seqs: Iterable[int], *, author: str, reason: str) -> int:
        with self._writing() as connection:
            return proposals.reject(connection, seqs, author=author, reason=reason)

    def delete(self, kind: str, record_id: str, *, author: str, reason: str | None = None) -> None:
        with self._writing() as connection:
            writer.delete_record(connection, kind, record_id, author=author, reason=reason)

    # reading

    def get(self, kind: str, record_id: str) -> StoredRecord | None:
        with self.reading() as connection:
            return reader.get(connection, kind, record_id)

    def name(self, kind: str, record_id: str) -> str:
        """What people call a record (an actor's name, a source's title); its id when it is
        not in the record."""
        with self.reading() as connection:
            return reader.heading(connection, kind, record_id) or record_id

    def records(
        self,
        kind: str | None = None,
        *,
        public_only: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[StoredRecord]:
        with self.reading() as connection:
            yield from reader.iter_records(
                connection, kind, public_only=public_only, limit=limit, offset=offset
            )

    def count(self, kind: str | None = None) -> dict[str, int]:
        with self.reading() as connection:
            return reader.count(connection, kind)

    def history(self, kind: str, record_id: str) -> list[Version]:
        with self.reading() as connection:
            return reader.history(connection, kind, record_id)

    def update_log(self, slug: str) -> list[UpdateNote]:
        with self.reading() as connection:
            return reader.journal_updates(connection, "incident", slug)

    def update_logs(self, kind: str = "incident") -> dict[str, list[UpdateNote]]:
        with self.reading() as connection:
            return reader.journal_updates_of(connection, kind)

    def journal_head(self) -> int:
        """The sequence number of the newest journal entry: any write moves it."""
        with self.reading() as connection:
            return reader.journal_head(connection)

    def published_head(self) -> str:
        """What every public answer is a function of: the journal's head and the latest
        checkpoint (a checkpoint gives records their proofs without a journal entry)."""
        with self.reading() as connection:
            return f"{reader.journal_head(connection)}.{log.checkpoint_size(connection)}"

    def withheld_keys(self) -> set[tuple[str, str]]:
        """(kind, id) of every record the public projection withholds (restricted ones and
        those that cannot be shown without them): no public output may point at one."""
        with self.reading() as connection:
            return reader.withheld_keys(connection)

    def referrers(self, kind: str, record_id: str) -> list[tuple[str, str, str]]:
        with self.reading() as connection:
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
        with self.reading() as connection:
            return search.search(
                connection, query, kind=kind, public_only=public_only, limit=limit, marks=marks
            )

    def verify(self, *checks: Callable[[Connection], Iterable[ChainFault]]) -> list[ChainFault]:
        """Every fault in the journal chain and the stored versions, then every difference
        between the derived tables and what versions and journal imply. `checks` are those
        of tables a later stage derives (the counted waves: `analysis.coverage`), which the
        store cannot recompute itself."""
        from .archive import check_archive

        with self.reading() as connection:
            return [
                *check_chain(connection),
                *log.check_log(connection),
                *check_derived(connection),
                *check_archive(connection),
                *(fault for check in checks for fault in check(connection)),
            ]

    def sign_checkpoint(
        self, signer: note.Signer, *, leaf: tuple[str, bytes] | None = None
    ) -> bytes:
        """Sign the log as it stands and keep the checkpoint; with `leaf`, append it first,
        in the same transaction, so the checkpoint is the first to cover it."""
        with self._writing() as connection:
            if leaf is not None:
                log.append_leaves(connection, leaf[0], [leaf[1]])
            return log.sign_checkpoint(connection, signer, at=utc_timestamp())

    def journal_tip(self) -> tuple[int, str]:
        """(sequence, hash) of the newest journal entry: note it to detect a rollback later."""
        with self.reading() as connection:
            return reader.journal_tip(connection)


def capture_leaf(kept: Archive) -> bytes:
    """A capture's leaf: the SHA-256 of its archive part as canonical JSON. The part names
    a fresh capture id, so the leaf cannot be guessed from a document's bytes; for a public
    source, anyone can recompute it from the published record."""
    return bytes.fromhex(
        content_hash(kept.model_dump(mode="json", by_alias=True, exclude_none=True))
    )
