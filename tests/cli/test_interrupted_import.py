"""A crash or kill in the middle of an import leaves the database as it was."""

import os
import signal
import subprocess
import sys
import time

from coercionwatch.store import Store
from tests.helpers import actor, write_lines
from tests.locks import tagged

BIG = 25_000
"""Enough actors that the import is still writing (several seconds) when it is killed."""


def test_killing_an_import_midway_writes_nothing(database, tmp_path):
    before = write_lines(tmp_path / "before.jsonl", [actor("already-there")])
    big = write_lines(tmp_path / "big.jsonl", [actor(f"person-{n:06d}") for n in range(BIG)])
    command = [sys.executable, "-m", "coercionwatch.cli", "--db"]
    program = [*command, database, "import"]
    subprocess.run([*program, str(before)], check=True, capture_output=True)

    # The big import's connections are named, so that PostgreSQL shows its own (not those of
    # tests running beside this one) when it is writing.
    importing, name = tagged(database)
    process = subprocess.Popen(
        [*command, importing, "import", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with Store.open(database) as store:
        deadline = time.monotonic() + 60
        # Wait until the import has written into its transaction, then kill it hard.
        while (
            store.count() == {"actor": 1}
            and not _writing(database, name)
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        assert process.poll() is None, "the import finished before it could be interrupted"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

    with Store.open(database) as store:
        assert store.count() == {"actor": 1}
        assert store.verify() == []
        assert [e.entry.seq for e in store.history("actor", "already-there")] == [1]
    finished = subprocess.run([*program, str(big), "--json"], capture_output=True, check=True)
    assert f'"created": {BIG}'.encode() in finished.stdout


def _writing(database: str, name: str) -> bool:
    """Whether an uncommitted import is under way: the WAL grows, or PostgreSQL shows it
    on a connection named `name`."""
    if "://" not in database:
        wal = f"{database}-wal"
        return os.path.exists(wal) and os.path.getsize(wal) > 2_000_000
    import psycopg

    admin = database.split("?")[0]
    with psycopg.connect(admin, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
            " AND (state = 'idle in transaction'"
            " OR (state = 'active' AND query ILIKE 'INSERT INTO versions%%'))",
            (name,),
        ).fetchone()
    return bool(row and row[0])
