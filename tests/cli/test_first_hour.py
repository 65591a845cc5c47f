"""A researcher's first hour with the command line: what each command does is what it says."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from coercionwatch.cli.app import app
from coercionwatch.cli.output import search_table
from coercionwatch.model import KINDS
from coercionwatch.publish.pages.search import MARK
from coercionwatch.store import SearchHit
from tests.conftest import SHARED
from tests.helpers import actor, basic_records, run_program, write_json

READING = [
    ["list", "actor"],
    ["show", "actor", "prost"],
    ["search", "prost"],
    ["history", "actor", "prost"],
    ["export", "incident", "x"],
    ["export", "all", "out"],
    ["verify"],
    ["proposals"],
    ["site", "out", "--url", "https://example.org"],
    ["serve", "--port", "0"],
    ["edit", "actor", "prost"],
    ["delete", "actor", "prost"],
    ["accept", "1"],
]
"""Commands that never need to create a database."""


def invoke(*args: str, env: dict[str, str] | None = None):
    return run_program(list(args), env=env)


def one_line_error(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    return lines[0]


# 1. search and list read as the web does


def test_search_shows_the_matched_words_names_and_labels(cli, cli_json):
    cli("demo")
    result = cli("search", "credit cards", env={"COLUMNS": "250"})
    assert result.exit_code == 0
    flat = " ".join(result.stdout.split())
    assert "Her credit cards stopped working" in flat  # the words, unmarked and not blank
    assert "Sanctions designation: Kimberly Prost" in flat
    labelled = " ".join(cli("search", "appalled", env={"COLUMNS": "250"}).stdout.split())
    assert "Condemns" in labelled and not re.search(r"\bcondemn\b", labelled)  # label, not code
    (hit,) = cli_json("search", "credit cards")
    assert hit["title"] == "Sanctions designation: Kimberly Prost"
    assert "[credit] [cards]" in hit["snippet"]


def test_at_a_terminal_the_matched_words_stand_out():
    hit = SearchHit("measure", "m", "Designation: Prost", f"Her {MARK}credit{MARK} [cards] [/]")
    screen = Console(file=StringIO(), force_terminal=True, color_system="standard", width=120)
    screen.print(search_table("credit", [hit]))
    shown = screen.file.getvalue()
    assert re.search(r"\x1b\[[0-9;]+mcredit\x1b\[0m", shown), shown
    assert "[cards] [/]" in shown  # record text is never read as markup


def test_list_keeps_ids_on_one_line_and_names_what_they_are(cli, cli_json):
    cli("demo")
    result = cli("list", "measure", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for record in cli_json("list", "measure"):
        assert any(re.search(rf"\b{re.escape(record['id'])}\b", line) for line in lines), record
    header = next(line for line in lines if " id " in line)
    assert "title" in header
    assert "Kimberly Prost" in " ".join(result.stdout.split())
    responses = " ".join(cli("list", "response", env={"COLUMNS": "250"}).stdout.split())
    assert "France: condemns" in responses


# 2. --db anywhere; no empty database behind a typing slip; one line for a bad one


def test_db_may_follow_the_command(database, tmp_path):
    path = write_json(tmp_path / "r.json", basic_records())
    assert invoke("import", str(path), "--db", database).exit_code == 0
    listed = invoke("list", "actor", "--json", "--db", database)
    assert [a["id"] for a in json.loads(listed.stdout)] == ["prost", "usa"]
    written = invoke("export", "all", str(tmp_path / "out"), "--db", database)
    assert written.exit_code == 0 and (tmp_path / "out" / "actor.json").exists()
    # Typed after the command, it wins over one typed before it and over the variable.
    elsewhere = str(tmp_path / "elsewhere.db")
    env = {"COERCIONWATCH_DB": elsewhere}
    again = invoke("--db", elsewhere, "list", "actor", "--json", "--db", database, env=env)
    assert len(json.loads(again.stdout)) == 2
    assert not Path(elsewhere).exists()


@pytest.mark.parametrize("args", READING, ids=lambda a: " ".join(a[:2]))
def test_a_command_that_reads_refuses_a_database_that_is_not_there(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "recrod.db"
    line = one_line_error(invoke(*args, "--db", str(typo), env={"EDITOR": "true"}))
    assert f"no database at {typo}" in line
    assert list(tmp_path.iterdir()) == []


def test_a_command_that_writes_may_create_the_database(tmp_path):
    fresh = tmp_path / "new.db"
    path = write_json(tmp_path / "r.json", basic_records())
    assert invoke("--db", str(fresh), "import", str(path)).exit_code == 0
    assert fresh.exists()


def test_a_file_that_is_not_our_database_is_refused_and_left_alone(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    assert "is not a database" in one_line_error(invoke("list", "actor", "--db", str(notes)))
    assert notes.read_text() == "not a database"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://nobody:secret@127.0.0.1:1/x",  # nothing listens there
        "postgresql://127.0.0.1:port/x",
        "mysql://127.0.0.1/x",
    ],
)
def test_a_database_that_cannot_be_used_is_one_line_and_status_2(url):
    line = one_line_error(invoke("list", "actor", "--db", url))
    assert "cannot use the database" in line and "secret" not in line


# 3. edit: no editor, no terminal; a failed save keeps the text and offers to reopen it


def test_edit_with_no_editor_and_no_terminal_refuses(cli, cli_json, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())))
    fallback = tmp_path / "bin"
    fallback.mkdir()
    vi = fallback / "vi"  # a vi that would save a change, were it run without a terminal
    vi.write_text('#!/bin/sh\nsed -i "s/status: active/status: lifted/" "$1"\n')
    vi.chmod(0o755)
    env = {"EDITOR": "", "VISUAL": "", "PATH": f"{fallback}:{os.environ['PATH']}"}
    line = one_line_error(cli("edit", "measure", "m-prost", env=env))
    assert "no editor" in line and "$EDITOR" in line
    assert len(cli_json("history", "measure", "m-prost")) == 1


def _editor_script(tmp_path: Path, body: str) -> dict[str, str]:
    script = tmp_path / "editor.py"
    script.write_text("import pathlib, sys\np = pathlib.Path(sys.argv[1])\n" + body, "utf-8")
    return {"EDITOR": f"{sys.executable} {script}", "VISUAL": ""}


def test_a_failed_edit_keeps_the_text_in_a_file_it_names(cli, cli_json, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())))
    env = _editor_script(tmp_path, "p.write_text(p.read_text().replace('designation', 'decree'))")
    result = cli("edit", "measure", "m-prost", env=env)
    assert result.exit_code == 2
    kept = Path(re.search(r"kept in (\S+)", result.stderr).group(1))
    assert "type: decree" in kept.read_text("utf-8")
    kept.unlink()
    assert len(cli_json("history", "measure", "m-prost")) == 1


def test_at_a_terminal_a_failed_edit_is_reopened_with_what_was_wrong(database, tmp_path):
    invoke("--db", database, "import", str(write_json(tmp_path / "r.json", basic_records())))
    seen = tmp_path / "seen.txt"
    env = _editor_script(
        tmp_path,
        f"seen = pathlib.Path({str(seen)!r})\n"
        "text = p.read_text()\n"
        "if not seen.exists():\n"
        "    seen.write_text('')\n"
        "    p.write_text(text.replace('designation', 'decree'))\n"
        "else:\n"
        "    seen.write_text(text)\n"
        "    p.write_text(text.replace('decree', 'designation').replace('active', 'lifted'))\n",
    )
    output = _at_a_terminal(
        [sys.executable, "-m", "coercionwatch.cli", "--db", database, "edit", "measure", "m-prost"],
        {**os.environ, **env},
        answer=("Edit again?", "y\n"),
    )
    assert "field 'type'" in output and "version 2" in output, output
    reopened = seen.read_text()
    assert reopened.startswith("#! Not saved.") and "'decree' is not in the vocabulary" in reopened


def _at_a_terminal(command: list[str], env: dict[str, str], answer: tuple[str, str]) -> str:
    """Run a command with a pseudo-terminal for its input and output, answering one prompt."""
    main, terminal = pty.openpty()
    process = subprocess.Popen(command, stdin=terminal, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    output, answered, deadline = b"", False, time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the program ended and closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if not answered and answer[0].encode() in output:
                os.write(main, answer[1].encode())
                answered = True
        elif process.poll() is not None:
            break
    process.wait(timeout=10)
    os.close(main)
    text = re.sub(r"\x1b\[[0-9;]*m", "", output.decode("utf-8", "replace"))  # styles
    return " ".join(text.split())


# 7. serve, an empty search, help screens, the site's address


def test_serve_on_a_busy_port_says_so_in_one_line_before_anything_else(cli, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", [actor("a")])))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert f"cannot listen on 127.0.0.1:{port}" in one_line_error(result)
    assert "Serving" not in result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _feed_of(database: Path, *options: str) -> str:
    """The feed of a served demo, read as soon as the server answers; the server stopped."""
    import httpx

    port = _free_port()
    program = [sys.executable, "-m", "coercionwatch.cli", "--db", str(database)]
    serving = subprocess.Popen(
        [*program, "serve", "--demo", "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COERCIONWATCH_SITE": ""},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/feed.atom", timeout=10).text
            except httpx.ConnectError:
                assert serving.poll() is None, serving.communicate()[1]
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.1)
    finally:
        serving.terminate()
        serving.communicate(timeout=30)


def test_a_served_record_is_cited_at_the_address_served_or_the_one_given(tmp_path):
    served = _feed_of(tmp_path / "one.db")
    links = re.findall(r'<link href="([^"]+)"', served)
    port = re.search(r"http://127\.0\.0\.1:(\d+)/", links[0])
    assert port and port.group(1) != "8000"
    assert all(link.startswith(f"http://127.0.0.1:{port.group(1)}/") for link in links)
    given = _feed_of(tmp_path / "two.db", "--url", "https://record.example.org")
    links = re.findall(r'<link href="([^"]+)"', given)
    assert links and all(link.startswith("https://record.example.org/") for link in links)


@pytest.mark.parametrize("query", ["", "  ", "?!"])
def test_an_empty_search_is_refused(cli, tmp_path, query):
    cli("import", str(write_json(tmp_path / "r.json", [actor("a")])))
    assert "nothing to search for" in one_line_error(cli("search", query))


def _commands() -> list[list[str]]:
    from typer.main import get_command

    program = get_command(app)
    found = []
    for name, command in program.commands.items():  # type: ignore[attr-defined]
        found.extend([[name, sub] for sub in getattr(command, "commands", {})] or [[name]])
    return found


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_help_names_values_not_python_types(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert not re.search(r"<(str|int|bool|path|float|list\[[^>]*)\b", result.stdout), result.stdout


def _group_commands() -> list[list[str]]:
    groups = dict.fromkeys(c[0] for c in _commands() if len(c) == 2)
    return [[], *([g] for g in groups)]


@pytest.mark.parametrize("command", _commands() + _group_commands(), ids=" ".join)
def test_help_at_80_columns_cuts_no_text(command):
    """Every option's name and every line of its help is whole, and a group lists each of
    its commands by the whole first paragraph of that command's help."""
    from typer.main import get_command

    result = invoke(*command, "--help", env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    target = get_command(app)
    for name in command:
        target = target.commands[name]  # type: ignore[attr-defined]
    flat = " ".join(result.stdout.split())
    for parameter in target.params:
        for option in parameter.opts if parameter.param_type_name == "option" else ():
            assert option in result.stdout.split() or f"{option}," in result.stdout, option
    for sub in getattr(target, "commands", {}).values():
        summary = " ".join(sub.help.split("\n\n")[0].split())
        assert summary in flat, summary
    # Text cut short ends in an ellipsis that the help as written does not have (the usage
    # line's `FILE...` says a command takes many).
    written = " ".join(
        [target.help or "", *(getattr(p, "help", "") or "" for p in target.params)]
    ).split()
    below_usage = result.stdout.split("\n\n", 1)[1]
    cut = [w for w in below_usage.split() if w.endswith(("…", "...")) and w not in written]
    assert not cut, cut


def test_help_lists_the_kinds():
    flat = " ".join(invoke("list", "--help").stdout.split())
    assert all(kind in flat for kind in KINDS)
    assert "KIND" in flat


def test_site_warns_without_an_address_and_takes_url(cli, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())))
    unnamed = cli(
        "site", str(tmp_path / "one"), "--no-search-index", env={"COERCIONWATCH_SITE": ""}
    )
    assert unnamed.exit_code == 0
    assert "warning: no --url or COERCIONWATCH_SITE" in unnamed.stderr
    named = cli("site", str(tmp_path / "two"), "--no-search-index", "--url", "https://cw.example/")
    assert named.exit_code == 0 and "warning" not in named.stderr
    package = json.loads((tmp_path / "two" / "data" / "datapackage.json").read_text("utf-8"))
    assert "https://cw.example" in json.dumps(package) and "127.0.0.1" not in json.dumps(package)
    refused = cli("site", str(tmp_path / "three"), "--url", "cw.example")
    assert "--url" in one_line_error(refused) and not (tmp_path / "three").exists()


# 9. history shows what changed; every --json speaks camelCase


def test_history_shows_what_each_version_changed(cli, cli_json, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())))
    changed = [*basic_records()[:2], {**basic_records()[2], "status": "lifted"}]
    cli("import", str(write_json(tmp_path / "r2.json", changed)), "--reason", "Delisted")
    result = cli("history", "measure", "m-prost")
    assert result.exit_code == 0
    change = next(line for line in result.stdout.splitlines() if "status" in line)
    assert re.search(r"status\W+active\W+lifted", change), result.stdout
    entries = cli_json("history", "measure", "m-prost")
    assert entries[1]["changes"] == {"status": {"before": "active", "after": "lifted"}}
    assert entries[1]["recordId"] == "m-prost" and "versionHash" in entries[1]


def _keys(value: object, skip: frozenset[str]) -> set[str]:
    """Every key in a JSON value, except inside record bodies (a record's own fields are
    checked by the model) and field-by-field changes (keyed by those fields)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            if key not in skip:
                found |= _keys(item, skip)
    elif isinstance(value, list):
        for item in value:
            found |= _keys(item, skip)
    return found


def test_every_json_output_uses_camel_case(cli, cli_json, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())))
    proposal = write_json(tmp_path / "p.json", [actor("prost", nationality=["FR"])])
    outputs = [
        json.loads(cli("import", str(proposal), "--propose", "--json").stdout),
        cli_json("proposals"),
        cli_json("history", "actor", "prost"),
        cli_json("search", "prost"),
        cli_json("verify"),
    ]
    skip = frozenset({"body", "record", "changes"})
    keys = set().union(*(_keys(output, skip) for output in outputs))
    watched = cli_json(
        "watch", str(SHARED / "data" / "sanctions" / "watchman-bench"), "--published", "2021-07-01"
    )
    keys |= _keys(watched, frozenset())  # list entries' fields too
    assert "entryId" in keys
    assert keys and all(re.fullmatch(r"[a-z][a-z0-9]*([A-Z][a-z0-9]*)*", key) for key in keys), keys
