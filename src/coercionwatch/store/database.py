"""Opening a database by URL: SQLite by default, PostgreSQL through the same code."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import Connection, make_url

DEFAULT_DATABASE = "coercionwatch.db"
SCHEMA_HEAD = "0003"
"""The newest migration; a test keeps it equal to Alembic's head. Knowing it here spares
every command the cost of loading Alembic when the schema is already current."""


def database_url(location: str | None) -> str:
    """A SQLAlchemy URL from what a user typed: a bare path means SQLite."""
    location = location or DEFAULT_DATABASE
    if "://" not in location:
        return f"sqlite:///{Path(location).expanduser().resolve()}"
    url = make_url(location)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def create_database_engine(location: str | None) -> Engine:
    url = database_url(location)
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # No server-side prepared statements: a generic plan for "id IN (500 parameters)" cannot
    # hash the list and compares every row against it (48 s instead of 10 s for 60,000 rows).
    return create_engine(url, pool_pre_ping=True, connect_args={"prepare_threshold": None})


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transactions into our own hands (see _sqlite_begin) and make them durable.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


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


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; a no-op when it is there already."""
    if schema_revision(engine) == SCHEMA_HEAD:
        return
    from alembic import command

    config = alembic_config()
    with engine.connect() as connection:
        connection.execution_options(writes=True)
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
