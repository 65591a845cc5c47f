import json
import sys
from pathlib import Path

from tests.helpers import actor, basic_records, measure, write_json, write_lines


def test_demo_loads_the_reference_case_once(cli, cli_json):
    first = cli("demo")
    assert first.exit_code == 0
    loaded = sum(cli_json("verify")["records"].values())
    added = int(first.stdout.split("Reference case: ")[1].split(" records added.")[0])
    states = first.stdout.split("States of the world: ")[1].split(" records added; ")
    there = int(states[1].split(" were in the database already.")[0])
    # The states the reference case names are there already; the rest of the world is not.
    assert there > 0 and added + int(states[0]) == loaded
    again = cli("demo")
    assert f"Reference case: nothing added; all {added} records were in the database" in (
        " ".join(again.stdout.split())
    )
    assert "The demo never overwrites a record" in " ".join(again.stdout.split())
    measures = {m["id"]: m for m in cli_json("list", "measure")}
    assert measures["designation-kimberly-prost"]["date"] == "2025-08-20"


def test_demo_again_keeps_corrections_made_since(cli, cli_json, tmp_path):
    assert cli("demo").exit_code == 0
    loaded = sum(cli_json("verify")["records"].values())
    corrected = {**cli_json("show", "measure", "designation-kimberly-prost"), "status": "lifted"}
    cli("import", str(write_json(tmp_path / "fix.json", corrected)), "--reason", "Lifted")
    responses = [r["id"] for r in cli_json("list", "response")]
    assert cli("delete", "response", responses[0]).exit_code == 0
    again = cli("demo")
    assert again.exit_code == 0
    assert "Reference case: nothing added; all " in again.stdout
    assert "States of the world: nothing added; all " in again.stdout
    assert sum(cli_json("verify")["records"].values()) == loaded - 1  # the deletion stands
    assert cli_json("show", "measure", "designation-kimberly-prost")["status"] == "lifted"
    history = cli_json("history", "measure", "designation-kimberly-prost")
    assert [h["action"] for h in history] == ["create", "update"]
    assert [r["id"] for r in cli_json("list", "response")] == responses[1:]


def test_import_reports_counts_and_warnings(cli, seed_incident):
    result = cli("import", str(seed_incident), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"created": 1, "updated": 0, "unchanged": 0, "warnings": 6}
    assert "refers to incident 'icc-sanctions'" in result.stderr


def test_a_bad_import_exits_2_names_the_problem_and_writes_nothing(cli, cli_json, tmp_path):
    path = write_lines(tmp_path / "bad.jsonl", [*basic_records(), {**actor("x"), "region": "mars"}])
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert "nothing written" in result.stderr
    assert f"{path}:4: actor 'x': field 'region': 'mars' is not in the vocabulary" in result.stderr
    assert cli_json("list", "actor") == []


def test_an_oversized_file_is_refused(cli, tmp_path):
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as stream:
        stream.truncate(400 * 2**20)
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert "over the limit of 128 MiB" in result.stderr


def test_export_incident_gives_back_the_seed(cli, seed_incident):
    cli("import", str(seed_incident))
    result = cli("export", "incident", "icc-immunity-demands-rome-statute")
    exported, original = json.loads(result.stdout), json.loads(seed_incident.read_text("utf-8"))
    assert exported.pop("generatedAt") != original.pop("generatedAt")
    assert exported == original
    assert list(exported["record"]) == list(original["record"])
    assert cli("export", "incident", "nope").exit_code == 2


def test_show_search_and_history(cli, cli_json, seed_incident):
    cli("demo")
    prost = cli_json("show", "actor", "kimberly-prost")
    assert prost["nationality"] == ["CA"]
    hits = cli_json("search", "paralysing")
    assert [h["id"] for h in hits] == ["prost-on-her-designation"]
    history = cli_json("history", "measure", "designation-kimberly-prost")
    assert [(h["action"], h["author"]) for h in history] == [("create", "coercionwatch demo")]
    body = json.loads(
        cli("history", "measure", "designation-kimberly-prost", "--version", "1").stdout
    )
    assert body["target"] == "kimberly-prost"
    table = cli("show", "actor", "kimberly-prost")
    assert "referred to by" in table.stdout


def test_unknown_kinds_formats_and_ids_exit_2(cli, tmp_path):
    assert cli("list", "planet").exit_code == 2
    assert cli("show", "actor", "nobody").exit_code == 2
    assert cli("export", "all", str(tmp_path), "--format", "xml").exit_code == 2
    assert cli("history", "actor", "nobody").exit_code == 2
    assert cli("bogus-command").exit_code == 2


def test_export_all_writes_every_kind(cli, tmp_path):
    cli("demo")
    result = cli("export", "all", str(tmp_path / "out"), "--format", "json,csv")
    assert result.exit_code == 0
    assert len(list((tmp_path / "out").iterdir())) == 14


def test_export_all_writes_every_format_by_default(cli, tmp_path):
    cli("demo")
    result = cli("export", "all", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"datapackage.json", "entities.ftm.json", "measure.csv", "measure.json"} <= names
    alone = cli("export", "all", str(tmp_path / "dp"), "--format", "datapackage")
    assert alone.exit_code == 2 and "describes the CSV files" in alone.stderr


def _editor(tmp_path: Path, old: str, new: str) -> dict[str, str]:
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        f"p.write_text(p.read_text().replace({old!r}, {new!r}))\n",
        "utf-8",
    )
    return {"EDITOR": f"{sys.executable} {script}", "VISUAL": ""}


def test_edit_validates_and_journals(cli, cli_json, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())))
    env = _editor(tmp_path, "status: active", "status: lifted")
    result = cli("edit", "measure", "m-prost", "--reason", "Delisted", "--author", "ana", env=env)
    assert result.exit_code == 0 and "version 2" in result.stdout
    history = cli_json("history", "measure", "m-prost")
    assert [(h["version"], h["author"], h["reason"]) for h in history][-1] == (2, "ana", "Delisted")
    assert history[-1]["body"]["status"] == "lifted"


def test_an_invalid_edit_saves_nothing(cli, cli_json, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", basic_records())))
    result = cli("edit", "measure", "m-prost", env=_editor(tmp_path, "designation", "decree"))
    assert result.exit_code == 2
    assert "field 'type'" in result.stderr and "Nothing was saved" in result.stderr
    result = cli("edit", "measure", "m-prost", env=_editor(tmp_path, "id: m-prost", "id: other"))
    assert result.exit_code == 2 and "cannot change" in result.stderr
    result = cli("edit", "measure", "m-prost", env=_editor(tmp_path, "target: prost", "target: x"))
    assert result.exit_code == 2
    assert "field 'target'" in result.stderr and "actor 'x', which is not in" in result.stderr
    assert len(cli_json("history", "measure", "m-prost")) == 1


def test_verify_exits_1_after_tampering(cli, database, tmp_path):
    cli("demo")
    assert cli("verify").exit_code == 0
    from sqlalchemy import text

    from coercionwatch.store import Store

    with Store.open(database) as store, store.engine.begin() as connection:
        connection.execute(text("UPDATE versions SET body = replace(body, 'Prost', 'Post')"))
    result = cli("verify")
    assert result.exit_code == 1
    assert "verify failed at journal entry" in result.stderr and "was altered" in result.stderr


def test_delete_refuses_a_referenced_record(cli, tmp_path):
    cli("import", str(write_json(tmp_path / "r.json", [*basic_records(), measure("m2", "prost")])))
    result = cli("delete", "actor", "prost")
    assert result.exit_code == 2 and "still referred to by measure" in result.stderr
    assert cli("delete", "measure", "m2", "--reason", "duplicate").exit_code == 0


def _round_trip(cli, slug, folder):
    """Export an incident, import the export, export again: (import counts, both exports)."""
    first = cli("export", "incident", slug)
    assert first.exit_code == 0, first.stderr
    path = folder / f"{slug}.json"
    path.write_text(first.stdout, "utf-8")
    imported = cli("import", str(path), "--json")
    assert imported.exit_code == 0, imported.stderr
    second = cli("export", "incident", slug)
    return json.loads(imported.stdout), first.stdout, second.stdout


def _without_generated_at(text):
    return "\n".join(line for line in text.splitlines() if '"generatedAt":' not in line)


def test_importing_our_own_export_changes_nothing(cli, cli_json, tmp_path, seed_incident):
    cli("demo")
    cli("import", str(seed_incident))
    slugs = [i["slug"] for i in cli_json("list", "incident")]
    assert "icc-immunity-demands-rome-statute" in slugs and len(slugs) > 2
    for slug in slugs:
        counts, first, second = _round_trip(cli, slug, tmp_path)
        assert (counts["updated"], counts["unchanged"]) == (0, 1), slug
        assert _without_generated_at(second) == _without_generated_at(first), slug
        assert second != first  # only the time it was generated differs
        assert [h["action"] for h in cli_json("history", "incident", slug)] == ["create"]


def test_an_incident_changed_since_it_was_loaded_still_round_trips(cli, cli_json, tmp_path):
    cli("demo")
    slug = "eo-14203-designations-2025"
    envelope = json.loads(cli("export", "incident", slug).stdout)
    envelope["record"]["ongoing"] = not envelope["record"]["ongoing"]
    changed = write_json(tmp_path / "changed.json", envelope)
    assert cli("import", str(changed), "--reason", "No longer ongoing").exit_code == 0
    counts, first, second = _round_trip(cli, slug, tmp_path)
    assert (counts["updated"], counts["unchanged"]) == (0, 1)
    assert _without_generated_at(second) == _without_generated_at(first)
    record = json.loads(second)["record"]
    assert [u["summary"] for u in record["updateLog"]] == ["No longer ongoing"]
    stored = json.loads(cli("history", "incident", slug, "--version", "2").stdout)
    assert "site" not in stored  # where we publish is not where the incident came from
    assert stored["updateLog"] == []  # the journal's note is not copied into the record


def test_an_entry_without_sources_warns_and_require_sources_refuses(cli, cli_json, tmp_path):
    path = write_lines(tmp_path / "r.jsonl", basic_records())
    refused = cli("import", str(path), "--require-sources")
    assert refused.exit_code == 2
    assert "import refused, nothing written" in refused.stderr
    expected = f"{path}:3: measure 'm-prost': field 'sources': names no source"
    assert expected in refused.stderr
    assert cli_json("list", "measure") == []
    accepted = cli("import", str(path))
    assert accepted.exit_code == 0
    assert "warning(s)" in accepted.stderr and expected in accepted.stderr
