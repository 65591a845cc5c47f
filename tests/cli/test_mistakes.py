"""What a careless or hostile user can type gets a plain answer: no traceback, no damage."""

from __future__ import annotations

from tests.helpers import actor, write_json, write_lines

TRICKY = "Names [/] and [link=https://elsewhere.example]links[/link] [bold]as typed"


def test_text_that_looks_like_terminal_markup_is_printed_as_written(cli, tmp_path):
    source = {"kind": "source", "id": "s-markup", "title": TRICKY, "type": "article"}
    imported = cli("import", str(write_json(tmp_path / "s.json", [source])), "--reason", TRICKY)
    assert imported.exit_code == 0
    proposal = write_json(tmp_path / "a.json", [actor("tricky", summary=TRICKY)])
    assert cli("import", str(proposal), "--propose", "--reason", TRICKY).exit_code == 0
    history = cli("history", "source", "s-markup")  # a reason in a narrow, wrapped column
    assert history.exit_code == 0 and "[/]" in history.stdout
    for args in (("show", "source", "s-markup"), ("list", "source"), ("search", "typed")):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        flat = " ".join(result.stdout.split())
        assert "[/]" in flat and "[link=" in flat, (args, flat)
    waiting = cli("proposals")
    assert waiting.exit_code == 0 and "[/]" in waiting.stdout


def test_site_will_not_replace_a_folder_it_did_not_make(cli, tmp_path):
    assert cli("import", str(write_lines(tmp_path / "a.jsonl", [actor("a")]))).exit_code == 0
    folder = tmp_path / "mydocs"
    folder.mkdir()
    (folder / "notes.txt").write_text("important")
    refused = cli("site", str(folder), "--no-search-index")
    assert refused.exit_code == 2 and "no site build left there" in refused.stderr
    assert (folder / "notes.txt").read_text() == "important"
    a_file = tmp_path / "afile"
    a_file.write_text("keep me")
    assert cli("site", str(a_file), "--no-search-index").exit_code == 2
    assert a_file.read_text() == "keep me"
    fresh = tmp_path / "site"
    assert cli("site", str(fresh), "--no-search-index").exit_code == 0
    assert cli("site", str(fresh), "--no-search-index").exit_code == 0  # its own: replaced


def test_bad_places_and_editors_get_one_line(cli, tmp_path):
    assert cli("import", str(write_lines(tmp_path / "a.jsonl", [actor("a")]))).exit_code == 0
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    results = [
        cli("export", "all", str(a_file)),
        cli("edit", "actor", "a", env={"EDITOR": str(tmp_path / "no-such-editor")}),
        cli("edit", "actor", "a", env={"EDITOR": "false"}),
    ]
    for result in results:
        assert result.exit_code == 2, result.output
        assert "error:" in result.stderr and "Traceback" not in result.stderr
    assert a_file.read_text() == "x"


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path):
    from typer.testing import CliRunner

    from coercionwatch.cli.app import app

    place = str(tmp_path / "no" / "such" / "folder" / "x.db")
    result = CliRunner().invoke(app, ["--db", place, "demo"])
    assert result.exit_code == 2 and "cannot use the database" in result.stderr
    assert len(result.stderr.splitlines()) == 1
