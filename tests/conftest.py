"""Fixtures: a fresh database per test, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from coercionwatch.store import Store
from tests.helpers import TERMINAL, at_terminal

# The project's shared/ folder sits beside the repository (as in CI's fresh clone).
SHARED = Path(
    os.environ.get("COERCIONWATCH_SHARED", Path(__file__).resolve().parents[2] / "shared")
)
SEEDS = SHARED / "seeds"
SEED_INCIDENT = next(SEEDS.glob("003_*.txt"))

PG_ADMIN = os.environ.get("COERCIONWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


@pytest.fixture(scope="session", autouse=True)
def fixed_terminal() -> None:
    """The program, run in this process, sees a terminal of TERMINAL's size whatever runs
    the tests (a terminal of any width, a pipe, a pytest-xdist worker)."""
    at_terminal(*TERMINAL)


@pytest.fixture(scope="session")
def postgres_reason() -> str | None:
    return _postgres_available()


@contextmanager
def postgres_schema(prefix: str = "t") -> Iterator[str]:
    """A database location for a fresh schema of the test database, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_ADMIN}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def _schema_of(location: str) -> str:
    found = re.search(r"search_path%3D(\w+)", location)
    assert found, location
    return found[1]


class DatabaseTemplate:
    """A database filled once per test session and backend, copied into each test's fresh
    database: filling it the way the tests do (importing the reference case, say) costs
    0.7 s on SQLite and 2 s on PostgreSQL a test, a copy a few milliseconds. A SQLite copy
    is the file; a PostgreSQL one is pg_dump's text of the filled schema, run in the
    test's schema."""

    def __init__(self, folder: Path, fill: Callable[[str], None]) -> None:
        """`fill` fills the database at a location."""
        self.folder = folder
        self.fill = fill
        self.sqlite: Path | None = None
        self.postgresql: str | None = None

    def copy_to(self, database: str) -> None:
        if "://" not in database:
            shutil.copyfile(self._sqlite_file(), database)
            return
        script = self._postgresql_script().replace("{schema}", _schema_of(database))
        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(script)

    def _sqlite_file(self) -> Path:
        if self.sqlite is None:
            path = self.folder / "template.db"
            self.fill(str(path))
            assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
            self.sqlite = path
        return self.sqlite

    def _postgresql_script(self) -> str:
        if self.postgresql is None:
            with postgres_schema("template") as location:
                self.fill(location)
                schema = _schema_of(location)
                dumped = subprocess.run(
                    [
                        "pg_dump",
                        f"--schema={schema}",
                        "--no-owner",
                        "--no-privileges",
                        "--inserts",
                        "--rows-per-insert=500",
                        PG_ADMIN,
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            # The schema exists already; psql's meta-commands (\restrict) are not SQL.
            lines = [
                line
                for line in dumped.splitlines()
                if not line.startswith(("CREATE SCHEMA ", "\\"))
            ]
            self.postgresql = "\n".join(lines).replace(schema, "{schema}")
        return self.postgresql


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database location for `--db`: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "record.db")
        return
    problem = request.getfixturevalue("postgres_reason")
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN} ({problem}); set it up to run these")
    with postgres_schema() as location:
        yield location


@pytest.fixture
def store(database: str) -> Iterator[Store]:
    with Store.open(database) as opened:
        yield opened


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture
def seed_incident() -> Path:
    return SEED_INCIDENT
