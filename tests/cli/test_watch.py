"""`coercionwatch watch` on the real list files and on snapshots derived from them."""

import csv
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coercionwatch.cli.app import app
from coercionwatch.store import Store
from tests.conftest import SHARED, DatabaseTemplate
from tests.helpers import never_blocking, webhook_server

LISTS = SHARED / "data" / "sanctions"
ICC_ROWS = (LISTS / "tradeguard-ai-excerpt" / "sdn.csv").read_text().splitlines()
NEW_JUDGE = (
    '99001,"DOE, Jane Example","individual","ICC-EO14203",-0- ,-0- ,-0- ,-0- ,-0- ,'
    '-0- ,-0- ,"DOB 01 Jan 1970; nationality Chile."'
)


def _list_folder(tmp_path, name, *, add=(), drop=(), replace=None):
    """A copy of the small real SDN set with rows added, dropped or rewritten, its files
    ending in the Ctrl-Z that OFAC's published files end with (the excerpt lacks it)."""
    folder = tmp_path / name
    shutil.copytree(LISTS / "watchman-ofactest", folder)
    for companion in ("add.csv", "alt.csv"):
        with (folder / companion).open("ab") as stream:
            stream.write(b"\x1a")
    rows = (folder / "sdn.csv").read_bytes().decode().split("\r\n")
    rows = [r for r in rows if r and r != "\x1a" and r.split(",")[0] not in drop]
    if replace:
        rows = [replace(r) for r in rows]
    rows += list(add)
    (folder / "sdn.csv").write_bytes(("\r\n".join(rows) + "\r\n\x1a").encode())
    return folder


def _demo(database: str) -> None:
    result = CliRunner().invoke(app, ["--db", database, "demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> DatabaseTemplate:
    return DatabaseTemplate(tmp_path_factory.mktemp("demo"), _demo)


@pytest.fixture
def demo(cli, database, demo_database):
    """`coercionwatch demo` as it leaves the database."""
    demo_database.copy_to(database)
    return cli


def _watch(cli, path, *args):
    result = cli("watch", str(path), "--json", "--author", "watcher", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_list_over_time(demo, cli_json, tmp_path, database):
    first = _watch(demo, _list_folder(tmp_path, "a"), "--published", "2025-01-01")
    assert first["previous"] is None and first["counts"]["added"] == 17
    assert first["relevant"] == [] and first["drafts"] == []

    second = _list_folder(
        tmp_path,
        "b",
        add=[*ICC_ROWS, NEW_JUDGE],
        drop={"10278"},
        replace=lambda r: r.replace('"NPWMD] [IFSR]', '"NPWMD] [IFSR] [SDGT]'),
    )
    report = _watch(demo, second, "--published", "2025-02-13")
    assert report["counts"] == {"added": 3, "removed": 1, "amended": 1}
    relevant = {c["entry"]["entryId"]: c for c in report["relevant"]}
    assert set(relevant) == {"52965", "54434", "99001"}
    khan = relevant["52965"]
    assert khan["measure"] == "designation-karim-khan" and not khan["drafted"]
    assert khan["matches"][0]["actorId"] == "karim-khan"
    assert any("nationality GB agrees" in r for r in khan["matches"][0]["reasons"])
    steps = {s["id"]: s["done"] for s in khan["checklist"]}
    assert steps["nationality-state"] and not steps["asp-presidency"]
    new = relevant["99001"]
    assert new["drafted"] and new["matches"] == []
    assert new["measure"] == "designation-ofac-sdn-99001"
    assert not any(s["done"] for s in new["checklist"])
    assert {(d["kind"], d["id"]) for d in report["drafts"]} == {
        ("source", "list-ofac-sdn-2025-02-13"),
        ("actor", "doe-jane-example"),
        ("measure", "designation-ofac-sdn-99001"),
    }
    # Drafts are proposals: stored and journaled, but neither current nor public.
    assert demo("show", "measure", "designation-ofac-sdn-99001").exit_code == 2
    waiting = {(p["kind"], p["recordId"]): p for p in cli_json("proposals")}
    assert set(waiting) == {(d["kind"], d["id"]) for d in report["drafts"]}
    assert sorted(p["id"] for p in waiting.values()) == sorted(report["proposals"])
    proposed = waiting[("measure", "designation-ofac-sdn-99001")]
    assert proposed["action"] == "create" and proposed["author"] == "watcher"
    assert proposed["reason"].startswith("List watch: ofac-sdn 2025-02-13")
    assert proposed["changes"]["target"] == {"before": None, "after": "doe-jane-example"}
    accepted = demo("accept", *map(str, report["proposals"]), "--author", "reviewer")
    assert accepted.exit_code == 0, accepted.stderr
    measure = cli_json("show", "measure", "designation-ofac-sdn-99001")
    assert (measure["program"], measure["legalBasis"]) == (
        "ICC-EO14203",
        [{"text": "Executive Order 14203"}],
    )
    assert measure["date"] == "2025-02-13" and measure["target"] == "doe-jane-example"
    actions = [(v["action"], v["author"]) for v in cli_json("history", "measure", measure["id"])]
    assert actions == [("propose", "watcher"), ("accept", "reviewer"), ("create", "reviewer")]

    third = _list_folder(
        tmp_path,
        "c",
        add=[ICC_ROWS[0].replace("Gender Male", "Gender Male; Title Prosecutor"), ICC_ROWS[1]],
        drop={"10278"},
    )
    report = _watch(demo, third, "--published", "2025-03-01")
    changes = {c["entry"]["entryId"]: c for c in report["relevant"]}
    assert changes["99001"]["change"] == "removed"
    assert changes["52965"]["change"] == "amended"
    assert "remarks" in changes["52965"]["fields"]
    # A public measure is not lifted by a program: the lifting waits for a person.
    assert cli_json("show", "measure", "designation-ofac-sdn-99001")["status"] == "active"
    (lifting,) = [p for p in cli_json("proposals") if p["recordId"] == measure["id"]]
    assert lifting["action"] == "update"
    assert lifting["changes"]["status"] == {"before": "active", "after": "lifted"}
    alone = demo("accept", str(lifting["id"]), "--author", "reviewer")
    assert alone.exit_code == 2 and "list-ofac-sdn-2025-03-01" in alone.stderr
    assert demo("accept", *map(str, report["proposals"]), "--author", "reviewer").exit_code == 0
    lifted = cli_json("show", "measure", "designation-ofac-sdn-99001")
    assert (lifted["status"], lifted["statusDate"]) == ("lifted", "2025-03-01")
    assert cli_json("verify")["ok"]


def test_an_older_list_and_a_dry_run_write_nothing(demo, tmp_path, database):
    _watch(demo, _list_folder(tmp_path, "a"), "--published", "2025-02-01")
    older = demo(
        "watch", str(_list_folder(tmp_path, "b", add=[NEW_JUDGE])), "--published", "2025-01-01"
    )
    assert older.exit_code == 2
    assert "older than the latest snapshot of ofac-sdn (2025-02-01" in older.stderr
    dry = _watch(
        demo, _list_folder(tmp_path, "c", add=[NEW_JUDGE]), "--published", "2025-03-01", "--dry-run"
    )
    assert dry["drafts"]
    with Store.open(database) as store:
        latest = store.latest_list_snapshot("ofac-sdn")
        assert latest.snapshot.published == "2025-02-01"
        assert store.get("measure", "designation-ofac-sdn-99001") is None


@pytest.mark.parametrize(
    "content", [b"", b"garbage\n", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><sdnList/>']
)
def test_bad_list_files_exit_2_and_write_nothing(demo, tmp_path, database, content):
    path = tmp_path / "list.xml"
    path.write_bytes(content)
    result = demo("watch", str(path))
    assert result.exit_code == 2 and str(path) in result.stderr
    with Store.open(database) as store:
        assert store.latest_list_snapshot("ofac-sdn") is None


def test_followthemoney_entities_then_a_delta(demo, database):
    base = _watch(demo, LISTS / "yente-fixtures" / "t1" / "entities.ftm.json")
    assert base["counts"]["added"] == 6 and base["list"] == "opensanctions"
    delta = LISTS / "yente-fixtures" / "t2" / "20240527194702-wnk" / "entities.delta.json"
    changed = _watch(demo, delta)
    assert changed["counts"] == {"added": 2, "removed": 0, "amended": 0}
    assert changed["entries"] == 8


def test_the_report_goes_to_a_webhook(demo, tmp_path):
    folder = _list_folder(tmp_path, "a", add=ICC_ROWS)
    with webhook_server() as hook:
        url = f"http://127.0.0.1:{hook.port}/hook"
        refused = demo("watch", str(folder), "--webhook", url)
        assert refused.exit_code == 2 and "private or reserved address" in refused.stderr
        assert hook.received == []
        sent = demo("watch", str(folder), "--webhook", url, "--allow-private-webhook")
        assert sent.exit_code == 0, sent.stderr
    (posted,) = hook.received
    assert posted.content_type == "application/json"
    assert posted.body["list"] == "ofac-sdn" and posted.body["counts"]["added"] == 19


def test_a_failing_webhook_exits_1_and_keeps_the_watch(demo, tmp_path, database):
    folder = _list_folder(tmp_path, "a", add=ICC_ROWS)
    with webhook_server(status=503) as hook:
        url = f"http://127.0.0.1:{hook.port}/hook"
        result = demo("watch", str(folder), "--webhook", url, "--allow-private-webhook")
    assert result.exit_code == 1
    assert "webhook failed" in result.stderr and "answered 503" in result.stderr
    assert "Traceback" not in result.stderr
    with Store.open(database) as store:
        assert store.latest_list_snapshot("ofac-sdn") is not None


def _written(database):
    """What the watch has written so far: the latest snapshot of the list, the journal head."""
    with Store.open(database) as store:
        latest = store.latest_list_snapshot("ofac-sdn")
        return (latest.id if latest else None), store.journal_head()


def _refused(cli, database, path, *args):
    before = _written(database)
    result = cli("watch", str(path), *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert _written(database) == before
    return " ".join(result.stderr.split())  # Rich wraps long lines


def _full_set(tmp_path, name, *, keep=None, marker=True):
    """The full 2021 SDN set, its main file cut to its first `keep` rows at a line boundary."""
    folder = tmp_path / name
    shutil.copytree(LISTS / "watchman-bench", folder)
    if keep is not None:
        rows = (folder / "sdn.csv").read_bytes().split(b"\r\n")[:keep]
        (folder / "sdn.csv").write_bytes(b"\r\n".join(rows) + (b"\r\n\x1a" if marker else b"\r\n"))
    return folder


def test_a_csv_set_cut_at_a_line_boundary_is_refused(demo, tmp_path, database):
    _watch(demo, _full_set(tmp_path, "whole"), "--published", "2021-07-01")
    cut = _full_set(tmp_path, "cut", keep=4000, marker=False)
    stderr = _refused(demo, database, cut, "--published", "2021-07-08")
    assert f"{cut / 'sdn.csv'}: no end-of-file marker" in stderr and "cut short" in stderr


def test_a_large_removal_needs_to_be_accepted(demo, tmp_path, database):
    _watch(demo, _full_set(tmp_path, "whole"), "--published", "2021-07-01")
    shrunk = _full_set(tmp_path, "shrunk", keep=4000)  # ends as OFAC's files do
    stderr = _refused(demo, database, shrunk, "--published", "2021-07-08")
    assert "removes 4976 of the 8976 entries" in stderr and "--accept-large-change" in stderr
    stderr = _refused(
        demo, database, shrunk, "--published", "2021-07-08", "--max-removed-share", "0.5"
    )
    assert "more than the 50.0% allowed" in stderr
    assert demo("watch", str(shrunk), "--max-removed-share", "1.5").exit_code == 2
    accepted = _watch(demo, shrunk, "--published", "2021-07-08", "--max-removed-share", "0.6")
    assert accepted["counts"]["removed"] == 4976
    smaller = _full_set(tmp_path, "smaller", keep=3000)
    stderr = _refused(demo, database, smaller, "--published", "2021-07-15")
    assert "removes 1000 of the 4000 entries of the latest snapshot (25.0%, more than" in stderr
    report = _watch(demo, smaller, "--published", "2021-07-15", "--accept-large-change")
    assert report["counts"]["removed"] == 1000


def test_an_undated_file_after_a_dated_snapshot_is_refused(demo, tmp_path, database):
    _watch(demo, _list_folder(tmp_path, "a"), "--published", "2025-02-01")
    older = _list_folder(tmp_path, "b", drop={"10278"})
    stderr = _refused(demo, database, older)
    assert "carries no publish date" in stderr and "dated 2025-02-01" in stderr
    assert "--published" in stderr
    assert _watch(demo, older, "--published", "2025-03-01")["counts"]["removed"] == 1


def test_an_earlier_file_read_again_is_a_rollback(demo, tmp_path, database):
    first, second = _list_folder(tmp_path, "a"), _list_folder(tmp_path, "b", add=[NEW_JUDGE])
    _watch(demo, first, "--published", "2025-01-01")
    _watch(demo, second, "--published", "2025-02-01")
    stderr = _refused(demo, database, first, "--published", "2025-03-01")
    assert "the same files" in stderr and "roll the list back" in stderr
    again = _watch(demo, second, "--published", "2025-02-01")  # the latest, read again: no change
    assert again["counts"] == {"added": 0, "removed": 0, "amended": 0}


@pytest.mark.parametrize("date", ["next-tuesday", "2025-02-30", "25-01-01"])
def test_a_publish_date_that_is_not_a_date_is_refused(demo, tmp_path, database, date):
    stderr = _refused(demo, database, _list_folder(tmp_path, "a"), "--published", date)
    assert "field '--published'" in stderr and repr(date) in stderr


def test_a_resaved_list_is_the_same_list(demo, tmp_path, database):
    """A spreadsheet or Python's csv module writes the set back with a byte-order mark and
    only the quotes it needs: the same entries, no change to report."""
    original = _list_folder(tmp_path, "a", add=ICC_ROWS)
    _watch(demo, original, "--published", "2025-01-01")
    resaved = tmp_path / "resaved"
    resaved.mkdir()
    for path in original.iterdir():
        with path.open(newline="", encoding="utf-8") as stream:
            rows = list(csv.reader(stream))
        with (resaved / path.name).open("w", newline="", encoding="utf-8-sig") as stream:
            csv.writer(stream).writerows(rows)
    start = b'\xef\xbb\xbf10278,"LOGAN MOREY, Elvis Angus",individual,SDNT,-0- ,'
    assert (resaved / "sdn.csv").read_bytes().startswith(start)
    report = _watch(demo, resaved, "--published", "2025-01-02")
    assert report["counts"] == {"added": 0, "removed": 0, "amended": 0}


def test_followthemoney_cut_short_is_refused(demo, tmp_path, database):
    source = LISTS / "yente-fixtures" / "t1" / "entities.ftm.json"
    _watch(demo, source)
    lines = source.read_bytes().splitlines(keepends=True)
    cut = tmp_path / "cut.ftm.json"
    cut.write_bytes(b"".join(lines[:-1]) + lines[-1][:100])
    assert "the file looks cut short" in _refused(demo, database, cut, "--list", "opensanctions")
    person = next(i for i, line in enumerate(lines) if b'"schema":"Person"' in line)
    cut.write_bytes(b"".join(lines[:person] + lines[person + 1 :]))  # at a line boundary
    stderr = _refused(demo, database, cut, "--list", "opensanctions")
    assert "removes 1 of the 6 entries" in stderr


def test_followthemoney_properties_that_are_not_an_object(demo, tmp_path, database):
    path = tmp_path / "entities.ftm.json"
    path.write_text('{"id": "NK-x", "schema": "Person", "properties": ["Jane Example"]}\n')
    stderr = _refused(demo, database, path)
    assert f"{path}:1: entry 'NK-x': field 'properties': expected an object" in stderr
    assert "found an array" in stderr


def test_a_fifo_is_refused_not_read(demo, tmp_path, database):
    fifo = tmp_path / "sdn.csv"
    os.mkfifo(fifo)
    with never_blocking(fifo):
        stderr = _refused(demo, database, fifo)
    assert f"{fifo}: not a regular file" in stderr


@pytest.mark.parametrize(
    ("name", "cut"),
    [("sdn.xml", b"</sdnEntry>"), ("sdn_advanced.xml", b"</DistinctParty>")],
)
def test_xml_cut_after_an_entry_is_refused(demo, tmp_path, database, name, cut):
    data = (Path(__file__).parents[1] / "ingest" / "lists" / "fixtures" / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(data[: data.index(cut) + len(cut)])
    assert "the file looks cut short" in _refused(demo, database, path)


def test_the_json_report_lists_every_change_followed_or_not(demo, tmp_path):
    _watch(demo, _list_folder(tmp_path, "a"), "--published", "2025-01-01")
    second = _list_folder(
        tmp_path,
        "b",
        add=[NEW_JUDGE],
        drop={"10278"},
        replace=lambda r: r.replace('"NPWMD] [IFSR]', '"NPWMD] [IFSR] [SDGT]'),
    )
    table = demo("watch", str(second), "--published", "2025-02-13", "--dry-run")
    assert "2 other change(s), under programs not followed" in table.stdout
    report = _watch(demo, second, "--published", "2025-02-13")
    changes = report["changes"]
    assert [e["entryId"] for e in changes["added"]] == ["99001"]
    assert [e["entryId"] for e in changes["removed"]] == ["10278"]
    (amended,) = changes["amended"]
    assert "SDGT" in amended["fields"]["programs"]["added"]
    assert amended["entry"]["entryId"] not in {c["entry"]["entryId"] for c in report["relevant"]}
    assert [c["entry"]["entryId"] for c in report["relevant"]] == ["99001"]


def test_the_checklist_names_regional_groups(demo, tmp_path):
    folder = _list_folder(tmp_path, "a", add=[NEW_JUDGE])
    table = demo("watch", str(folder), "--published", "2025-01-01", "--dry-run")
    assert "Asia-Pacific" in table.stdout and "asia-pacific" not in table.stdout
    report = _watch(demo, folder, "--published", "2025-01-01")
    (new,) = report["relevant"]
    (regions,) = [s for s in new["checklist"] if s["id"] == "cross-regional"]
    assert "African States" in regions["missing"] and "african" not in regions["missing"]
