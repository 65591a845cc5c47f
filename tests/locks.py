"""Races replayed in a fixed order: hold a database's lock, start the contenders, see each of
them waiting for it, then let go. No sleeping and hoping."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import psycopg

from coercionwatch.store.database import ADVISORY_LOCK, WRITE_LOCK

DEADLINE = 60.0
"""Seconds any step of a replayed race may take before the test fails."""


def is_postgres(database: str) -> bool:
    return "://" in database


@contextmanager
def holding(database: str, key: int = WRITE_LOCK) -> Iterator[None]:
    """Hold the lock writers take (on PostgreSQL, advisory lock `key`) until the block ends.

    On SQLite this is the one write lock (BEGIN IMMEDIATE), which a migration also takes.
    """
    if is_postgres(database):
        with psycopg.connect(database) as connection:
            connection.execute(ADVISORY_LOCK.replace(":key", "%s"), (key,))
            yield
        return
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def tagged(database: str) -> tuple[str, str]:
    """The database with a name that PostgreSQL shows for each connection made through it
    (pg_stat_activity.application_name), and that name. SQLite paths come back as they are."""
    name = f"cw-{uuid.uuid4().hex[:12]}"
    if not is_postgres(database):
        return database, name
    separator = "&" if "?" in database else "?"
    return f"{database}{separator}application_name={name}", name


def _postgres_waiters(database: str, name: str) -> int:
    admin = database.split("?")[0]
    with psycopg.connect(admin, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE application_name = %s AND wait_event_type = 'Lock'",
            (name,),
        ).fetchone()
    return row[0] if row else 0


def _sqlite_waiters(pids: Sequence[int]) -> int:
    # SQLite's busy handler sleeps between attempts, and nothing else in these processes
    # sleeps: Linux shows the kernel function a process waits in as its wchan.
    waiting = 0
    for pid in pids:
        with suppress(FileNotFoundError):
            waiting += "nanosleep" in Path(f"/proc/{pid}/wchan").read_text()
    return waiting


def wait_until_waiting(
    database: str,
    name: str,
    pids: Callable[[], Sequence[int]],
    alive: Callable[[], bool],
    count: int = 1,
) -> None:
    """Return once `count` contenders wait for a lock: on PostgreSQL, connections named
    `name`; on SQLite, processes among `pids()`. Fails if `alive` turns false first."""
    deadline = time.monotonic() + DEADLINE
    while True:
        if is_postgres(database):
            waiting = _postgres_waiters(database, name)
        else:
            waiting = _sqlite_waiters(pids())
        if waiting >= count:
            return
        assert alive(), f"a contender finished instead of waiting for the lock ({waiting} waited)"
        assert time.monotonic() < deadline, f"only {waiting} of {count} waited for the lock"
        time.sleep(0.02)


@dataclass
class Contender:
    """A function run in a process of its own, its outcome reported back."""

    process: BaseProcess
    results: Any
    database: str
    name: str

    def wait_until_waiting(self) -> None:
        pid = self.process.pid
        assert pid is not None
        try:
            wait_until_waiting(self.database, self.name, lambda: [pid], self.process.is_alive)
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {self.outcome()}") from None

    def outcome(self) -> str:
        """ "ok", or the exception it raised as "TypeName: message"."""
        self.process.join(DEADLINE)
        assert self.process.exitcode == 0, f"the contender ended with {self.process.exitcode}"
        return self.results.get()


def contend(job: Callable[..., Any], database: str, *args: Any) -> Contender:
    """Start `job(database, *args)` in a new process (`job` must be importable); on
    PostgreSQL its connections are named, so that its waiting can be seen."""
    context = multiprocessing.get_context("spawn")
    results = context.SimpleQueue()
    location, name = tagged(database)
    process = context.Process(target=_report, args=(results, job, location, *args))
    process.start()
    return Contender(process, results, database, name)


def _report(results: Any, job: Callable[..., Any], *args: Any) -> None:
    try:
        job(*args)
    except Exception as exc:
        traceback.print_exc()
        results.put(f"{type(exc).__name__}: {exc}")
    else:
        results.put("ok")


@dataclass
class Program:
    """The `coercionwatch` program running in a process of its own."""

    process: subprocess.Popen[str]
    database: str
    name: str
    result: subprocess.CompletedProcess[str] | None = None

    def wait_until_waiting(self) -> None:
        try:
            wait_until_waiting(self.database, self.name, lambda: [self.process.pid], self.alive)
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {self.finish().stderr}") from None

    def alive(self) -> bool:
        return self.process.poll() is None

    def finish(self) -> subprocess.CompletedProcess[str]:
        """What it wrote and how it ended, once it has (killed after DEADLINE)."""
        if self.result is None:
            try:
                out, err = self.process.communicate(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                out, err = self.process.communicate()
                raise AssertionError(f"still running after {DEADLINE} s: {err}") from None
            returncode = self.process.returncode
            self.result = subprocess.CompletedProcess(self.process.args, returncode, out, err)
        return self.result


def run_program(database: str, *args: str, env: dict[str, str] | None = None) -> Program:
    """Start `coercionwatch --db DATABASE ARGS…`; on PostgreSQL its connections are named."""
    location, name = tagged(database)
    process = subprocess.Popen(
        [sys.executable, "-m", "coercionwatch.cli", "--db", location, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    return Program(process, database, name)
