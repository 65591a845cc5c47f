"""Fixtures: a fresh database per test, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from coercionwatch.store import Store

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
