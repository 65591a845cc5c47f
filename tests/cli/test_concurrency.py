"""Commands run at the same moment as others: edits, scripted imports, lock waits, web workers."""

import json
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest

from coercionwatch.store import Store
from coercionwatch.store.database import MIGRATION_LOCK
from tests.conftest import SHARED
from tests.helpers import actor, basic_records, import_files, measure, write_json
from tests.locks import DEADLINE, Program, holding, run_program, wait_until_waiting


def _editor(tmp_path: Path, old: str, new: str, meanwhile: list[str]) -> dict[str, str]:
    """An editor that runs another `coercionwatch` command while open, then makes its edit."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, subprocess, sys\n"
        f"subprocess.run([sys.executable, '-m', 'coercionwatch.cli', *{meanwhile!r}], check=True)\n"
        "p = pathlib.Path(sys.argv[1])\n"
        f"p.write_text(p.read_text().replace({old!r}, {new!r}))\n",
        "utf-8",
    )
    return {"EDITOR": f"{sys.executable} {script}", "VISUAL": ""}


def _kept(stderr: str, folder: Path) -> Path:
    (line,) = [line for line in stderr.splitlines() if "Your edited text is kept in" in line]
    kept = Path(line.rsplit(" ", 1)[1])
    assert kept.parent == folder
    return kept


@pytest.fixture(autouse=True)
def temporary_files_here(tmp_path, monkeypatch):
    """Edits that could not be saved are kept where this test's files go, not in /tmp."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def test_an_edit_is_refused_if_the_record_changed_while_the_editor_was_open(
    cli, cli_json, database, tmp_path
):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())), "--author", "loader")
    alias = write_json(tmp_path / "alias.json", actor("prost", nationality=["CA"], aliases=["KP"]))
    importing = ["--db", database, "import", str(alias), "--author", "importer"]
    env = _editor(tmp_path, "name: Prost", "name: Kimberly Prost", importing)

    result = cli("edit", "actor", "prost", "--author", "ana", env=env)

    assert result.exit_code == 2
    assert "actor 'prost' changed while you were editing it (you opened version 1)" in result.stderr
    assert "nothing was saved" in result.stderr
    changed = [line for line in result.stderr.splitlines() if "aliases" in line]
    assert len(changed) == 1 and "KP" in changed[0]
    kept = _kept(result.stderr, tmp_path)
    assert "name: Kimberly Prost" in kept.read_text("utf-8")
    assert f"coercionwatch import {kept} --if-version 2" in result.stderr
    now = cli_json("show", "actor", "prost")
    assert (now["name"], now["aliases"]) == ("Prost", ["KP"])
    assert [h["author"] for h in cli_json("history", "actor", "prost")] == ["loader", "importer"]


def test_an_edit_of_a_record_deleted_meanwhile_is_refused(cli, cli_json, database, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())))
    deleting = ["--db", database, "delete", "measure", "m-prost"]
    env = _editor(tmp_path, "status: active", "status: lifted", deleting)

    result = cli("edit", "measure", "m-prost", env=env)

    assert result.exit_code == 2 and "It has since been deleted." in result.stderr
    kept = _kept(result.stderr, tmp_path)
    assert "status: lifted" in kept.read_text("utf-8")
    assert [h["action"] for h in cli_json("history", "measure", "m-prost")] == [
        "create",
        "delete",
    ]


def test_an_edit_reports_the_version_it_wrote(cli, cli_json, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())))
    lifted = measure("m-prost", "prost", status="ended")
    cli("import", str(write_json(tmp_path / "m.json", lifted)))
    env = _editor(tmp_path, "status: ended", "status: lifted", ["--help"])
    result = cli("edit", "measure", "m-prost", env=env)
    assert result.exit_code == 0 and "Saved measure m-prost, version 3." in result.stdout
    assert cli_json("history", "measure", "m-prost")[-1]["version"] == 3


def test_import_if_version(cli, cli_json, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())))
    lifted = write_json(tmp_path / "lifted.json", measure("m-prost", "prost", status="lifted"))

    done = cli("import", str(lifted), "--if-version", "1", "--json")
    assert done.exit_code == 0
    assert json.loads(done.stdout) == {
        "created": 0,
        "updated": 1,
        "unchanged": 0,
        "warnings": 1,  # the measure names no source
        "version": 2,
    }

    ended = write_json(tmp_path / "ended.json", measure("m-prost", "prost", status="ended"))
    stale = cli("import", str(ended), "--if-version", "1")
    assert stale.exit_code == 2
    assert (
        "import refused, nothing written: measure 'm-prost': expected at version 1, "
        "but it is at version 2" in stale.stderr
    )
    assert len(cli_json("history", "measure", "m-prost")) == 2

    new = write_json(tmp_path / "new.json", actor("someone-new"))
    assert cli("import", str(new), "--if-version", "0").exit_code == 0
    again = cli("import", str(new), "--if-version", "0")
    assert again.exit_code == 2 and "expected not to exist, but it is at version 1" in again.stderr

    two = write_json(tmp_path / "two.json", [actor("a"), actor("b")])
    many = cli("import", str(two), "--if-version", "0")
    assert many.exit_code == 2 and "exactly one record" in many.stderr
    none = cli("import", str(write_json(tmp_path / "none.json", [])), "--if-version", "0")
    assert none.exit_code == 2 and "exactly one record" in none.stderr
    assert cli("show", "actor", "a").exit_code == 2


def test_of_two_scripted_imports_from_one_version_the_second_is_refused(database, tmp_path):
    with Store.open(database) as store:
        import_files(store, write_json(tmp_path / "r.json", basic_records()))
    files = {
        status: str(
            write_json(tmp_path / f"{status}.json", measure("m-prost", "prost", status=status))
        )
        for status in ("lifted", "ended")
    }
    with holding(database):
        first = run_program(database, "import", files["lifted"], "--if-version", "1")
        first.wait_until_waiting()
        second = run_program(database, "import", files["ended"], "--if-version", "1")
        second.wait_until_waiting()
    results = [first.finish(), second.finish()]
    assert sorted(r.returncode for r in results) == [0, 2]
    (refused,) = [r for r in results if r.returncode == 2]
    assert "expected at version 1, but it is at version 2" in refused.stderr
    with Store.open(database) as store:
        assert [v.entry.version for v in store.history("measure", "m-prost")] == [1, 2]
        assert store.verify() == []


def test_every_writing_command_gives_up_on_a_held_lock_in_one_line(database, tmp_path):
    with Store.open(database) as store:
        import_files(store, write_json(tmp_path / "r.json", basic_records()))
        head = store.journal_head()
    lists = SHARED / "data" / "sanctions" / "watchman-bench"
    more = write_json(tmp_path / "more.json", actor("someone-else"))
    editor = {
        **_editor(tmp_path, "status: active", "status: lifted", ["--help"]),
        "COERCIONWATCH_LOCK_TIMEOUT": "0.5",
        "TMPDIR": str(tmp_path),
    }
    commands = [
        ["import", str(more)],
        ["demo"],
        ["edit", "measure", "m-prost"],
        ["delete", "measure", "m-prost"],
        ["watch", str(lists), "--published", "2021-07-01"],
    ]
    with holding(database):
        programs = [run_program(database, *command, env=editor) for command in commands]
        results = [program.finish() for program in programs]
    message = "error: the database is locked by another writer; try again"
    for command, result in zip(commands, results, strict=True):
        assert result.returncode == 1, (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines()[-1] == message, (command, result.stderr)
        if command[0] == "edit":
            assert "status: lifted" in _kept(result.stderr, tmp_path).read_text("utf-8")
        else:
            assert result.stderr.splitlines() == [message], (command, result.stderr)
    with Store.open(database) as store:
        assert store.journal_head() == head


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _idle_connections(database: str, name: str) -> int:
    with psycopg.connect(database.split("?")[0], autocommit=True) as c:
        row = c.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND state = 'idle'",
            (name,),
        ).fetchone()
    return row[0] if row else 0


@contextmanager
def _server(database: str, port: int) -> Iterator[Program]:
    """`serve --workers 4`, stopped (SIGTERM, as Ctrl-C would) however the test ends."""
    serving = run_program(database, "serve", "--workers", "4", "--port", str(port))
    try:
        yield serving
    finally:
        serving.process.send_signal(signal.SIGTERM)
        serving.finish()


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_four_web_workers_on_a_new_database_all_start(database):
    port = _free_port()
    with ExitStack() as stopping:
        with holding(database, MIGRATION_LOCK):
            serving = stopping.enter_context(_server(database, port))
            # All four wait on the migration lock, then go for the schema together.
            wait_until_waiting(database, serving.name, lambda: [], serving.alive, count=4)
        # Each worker that opened the store keeps one idle connection in its pool.
        deadline = time.monotonic() + DEADLINE
        while _idle_connections(database, serving.name) < 4:
            assert serving.alive(), "the server stopped before all four workers started"
            assert time.monotonic() < deadline, "not all four workers opened the database"
            time.sleep(0.05)
        # A worker opens the database while it builds the app, and listens only after.
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api", timeout=10)
                break
            except httpx.ConnectError:
                assert serving.alive(), "the server stopped before it listened"
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.05)
        answers = [httpx.get(f"http://127.0.0.1:{port}/api", timeout=10) for _ in range(8)]
        assert [a.status_code for a in answers] == [200] * 8
        assert serving.alive()
    stderr = serving.finish().stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
