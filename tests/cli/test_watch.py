"""`coercionwatch watch` on the real list files and on snapshots derived from them."""

import json
import shutil

import pytest

from coercionwatch.store import Store
from tests.conftest import SHARED
from tests.helpers import webhook_server

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


@pytest.fixture
def demo(cli):
    assert cli("demo").exit_code == 0
    return cli


def _watch(cli, path, *args):
    result = cli("watch", str(path), "--json", *args)
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
    relevant = {c["entry"]["entry_id"]: c for c in report["relevant"]}
    assert set(relevant) == {"52965", "54434", "99001"}
    khan = relevant["52965"]
    assert khan["measure"] == "designation-karim-khan" and not khan["drafted"]
    assert khan["matches"][0]["actor_id"] == "karim-khan"
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
    measure = cli_json("show", "measure", "designation-ofac-sdn-99001")
    assert (measure["visibility"], measure["program"], measure["authority"]) == (
        "restricted",
        "ICC-EO14203",
        "Executive Order 14203",
    )
    assert measure["date"] == "2025-02-13" and measure["target"] == "doe-jane-example"
    history = cli_json("history", "measure", "designation-ofac-sdn-99001")
    assert history[0]["reason"].startswith("List watch: ofac-sdn 2025-02-13")

    third = _list_folder(
        tmp_path,
        "c",
        add=[ICC_ROWS[0].replace("Gender Male", "Gender Male; Title Prosecutor"), ICC_ROWS[1]],
        drop={"10278"},
    )
    report = _watch(demo, third, "--published", "2025-03-01")
    changes = {c["entry"]["entry_id"]: c for c in report["relevant"]}
    assert changes["99001"]["change"] == "removed"
    assert changes["52965"]["change"] == "amended"
    assert "remarks" in changes["52965"]["fields"]
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
