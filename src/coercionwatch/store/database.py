"""Opening a database by URL: SQLite by default, PostgreSQL through the same code."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from contextlib import closing
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, inspect, text
from sqlalchemy.engine import Connection, make_url

DEFAULT_DATABASE = "coercionwatch.db"
LOCK_TIMEOUT_VARIABLE = "COERCIONWATCH_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 30.0
"""Seconds a writer waits for another writer's lock before giving up."""
WRITE_LOCK = 1432042
"""PostgreSQL advisory lock held by the one transaction extending the journal."""
MIGRATION_LOCK = 1432043
"""PostgreSQL advisory lock held while the schema is checked and upgraded."""
ADVISORY_LOCK = "SELECT pg_advisory_xact_lock(:key, hashtext(coalesce(current_schema(), '')))"
"""A lock's key paired with the store's schema: stores in different schemas of one database
(tenants, test runs) never wait for each other, and the processes of one store always meet.
Before any schema of the search path exists, all such stores share the empty name."""
SCHEMA_HEAD = "0012"
"""The newest migration; a test keeps it equal to Alembic's head. Knowing it here spares
every command the cost of loading Alembic when the schema is already current."""


def database_url(location: str | None) -> str:
    """A SQLAlchemy URL from what a user typed: a bare path means SQLite."""
    location = location or DEFAULT_DATABASE
    if "://" not in location:
        return f"sqlite:///{Path(location).expanduser().resolve()}"
    url = make_url(location)
    if url.drivername.split("+")[0] not in ("sqlite", "postgresql", "postgres"):
        raise ValueError(
            f"{url.drivername} is not supported: give a path (SQLite) or a postgresql:// URL"
        )
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


class MissingDatabase(Exception):
    """A database was to be read, but there is none at that place (a mistyped path, say)."""


def database_place(location: str | None) -> str:
    """Where a database is, as a person names it: a file's path, or a URL without its
    password (masked by hand when the URL cannot even be read)."""
    location = location or DEFAULT_DATABASE
    if "://" not in location:
        return str(Path(location).expanduser().resolve())
    try:
        url = make_url(location)
    except (exc.ArgumentError, ValueError):
        return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", location)
    if url.drivername.startswith("sqlite"):
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def require_database(engine: Engine) -> None:
    """Refuse (MissingDatabase) a SQLite file that does not exist or holds no record, so a
    command that only reads leaves no empty database behind a mistyped path, and changes
    nothing in a file that is not ours. A PostgreSQL database exists only if someone created
    it (connecting to a mistyped name fails), so its tables may be made as for a writer."""
    if engine.url.get_backend_name() != "sqlite":
        return
    path = Path(engine.url.database or "")
    if not path.is_file():
        raise MissingDatabase(f"no database at {path} (a command that only reads creates none)")
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
            ours = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
    except sqlite3.DatabaseError as error:
        raise MissingDatabase(f"{path} is not a database that can be read ({error})") from None
    if not ours:
        raise MissingDatabase(f"{path} holds no Coercion Watch record")


def lock_timeout(seconds: float | None = None) -> float:
    """The lock timeout: as given, else from COERCIONWATCH_LOCK_TIMEOUT, else 30 seconds.

    Tests and impatient scripts shorten it; a writer that waits longer is told to retry.
    """
    if seconds is None:
        setting = os.environ.get(LOCK_TIMEOUT_VARIABLE, "").strip()
        try:
            seconds = float(setting) if setting else DEFAULT_LOCK_TIMEOUT
        except ValueError:
            raise ValueError(f"{LOCK_TIMEOUT_VARIABLE} must be a number of seconds") from None
    if not 0 < seconds < float("inf"):
        raise ValueError(f"the lock timeout must be a positive number of seconds, not {seconds}")
    return seconds


def is_lock_timeout(error: BaseException) -> bool:
    """Whether a database error means another writer held its lock past the lock timeout."""
    if not isinstance(error, exc.OperationalError):
        return False
    cause = error.orig
    if isinstance(cause, sqlite3.OperationalError):
        return cause.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
    return getattr(cause, "sqlstate", None) == "55P03"  # lock_not_available


def create_database_engine(location: str | None, *, lock_seconds: float | None = None) -> Engine:
    """An engine whose writers wait at most the lock timeout for one another."""
    url = database_url(location)
    milliseconds = max(1, round(lock_timeout(lock_seconds) * 1000))
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", partial(_sqlite_connect, milliseconds))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # No server-side prepared statements: a generic plan for "id IN (500 parameters)" cannot
    # hash the list and compares every row against it (48 s instead of 10 s for 60,000 rows).
    engine = create_engine(url, pool_pre_ping=True, connect_args={"prepare_threshold": None})
    event.listen(engine, "connect", partial(_postgresql_connect, milliseconds))
    return engine


def _sqlite_connect(milliseconds: int, dbapi_connection: Any, _record: Any) -> None:
    # Take transactions into our own hands (see _sqlite_begin) and make them durable.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={milliseconds}")
    _use_wal(cursor, milliseconds)
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _use_wal(cursor: sqlite3.Cursor, milliseconds: int) -> None:
    """Switch the file to WAL (a no-op once it is). SQLite refuses the switch at once, without
    its busy handler, while another connection holds a lock, as when several processes open a
    new database together; so wait here as the busy handler would."""
    deadline = time.monotonic() + milliseconds / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _postgresql_connect(milliseconds: int, dbapi_connection: Any, _record: Any) -> None:
    # A session setting, so it must not open a transaction of its own.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    dbapi_connection.execute(f"SET lock_timeout = {milliseconds}")
    dbapi_connection.autocommit = autocommit


def _sqlite_begin(connection: Connection) -> None:
    # A writer takes the lock from the start (IMMEDIATE), so the journal chain never forks;
    # readers stay DEFERRED and never block one another.
    writes = connection.get_execution_options().get("writes", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("coercionwatch.store") / "migrations"))
    return config


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except exc.DBAPIError:
            return None


def advisory_lock(connection: Connection, key: int) -> None:
    """Take this store's advisory lock `key` until the transaction ends (PostgreSQL only:
    SQLite's writers are already one at a time)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(ADVISORY_LOCK), {"key": key})


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; a no-op when it is there already.

    Processes opening a new database together (web workers, say) take turns: the check and
    the upgrade run under one lock (BEGIN IMMEDIATE on SQLite, an advisory lock on
    PostgreSQL), and whoever waited finds the work done.
    """
    if schema_revision(engine) == SCHEMA_HEAD:
        return
    with engine.connect() as connection:
        connection.execution_options(writes=True)
        with connection.begin():
            if connection.dialect.name == "postgresql":
                advisory_lock(connection, MIGRATION_LOCK)
            if _locked_revision(connection) == SCHEMA_HEAD:
                return
            from alembic import command

            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def _locked_revision(connection: Connection) -> str | None:
    # Asks first whether the table exists: a failed query would end PostgreSQL's transaction.
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
