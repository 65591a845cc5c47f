"""Snapshots, checked with nothing but their files and the key: one byte flipped anywhere
is named, as are a missing file, an extra one, a forged checkpoint and a log that does not
extend an earlier checkpoint; restricted records leave no trace in them."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from coercionwatch.model import merkle, note
from coercionwatch.publish.snapshot import SnapshotRefused, write_snapshot
from coercionwatch.publish.snapshot_check import check_snapshot
from coercionwatch.store import Store
from tests.helpers import actor, basic_records, measure, write_records

SITE = "https://record.example.org"
SIGNER = note.Signer.generate("record.example.org")
KEY = str(SIGNER.verifier())


@pytest.fixture
def recorded(store: Store) -> Store:
    write_records(
        store, *basic_records(), actor("witness-a", visibility="restricted", name="Hidden Name")
    )
    write_records(store, measure("m-witness", "witness-a"))
    return store


def faults_of(folder: Path, **options: str) -> list[str]:
    _, faults = check_snapshot(folder, KEY, **options)
    return [str(f) for f in faults]


def test_a_snapshot_verifies_and_keeps_restricted_records_out(recorded: Store, tmp_path: Path):
    summary = write_snapshot(recorded, tmp_path / "snap", site=SITE, signer=SIGNER)
    folder = summary.directory
    checked, faults = check_snapshot(folder, KEY)
    assert faults == [] and checked is not None
    assert checked.checkpoint.size == summary.tree_size == 6  # 5 journal entries, 1 manifest
    everything = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert b"witness-a" not in everything and b"Hidden Name" not in everything
    journal = [orjson.loads(line) for line in (folder / "journal.jsonl").read_bytes().splitlines()]
    assert {(e["kind"], e["id"]) for e in journal} == {
        ("actor", "usa"),
        ("actor", "prost"),
        ("measure", "m-prost"),
    }
    assert (folder / "log" / "tile" / "0" / "000.p/6").is_file()
    assert (folder / "log" / "tile" / "entries" / "000.p/6").is_file()


def test_one_flipped_byte_anywhere_is_named(recorded: Store, tmp_path: Path):
    folder = write_snapshot(recorded, tmp_path / "snap", site=SITE, signer=SIGNER).directory
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert len(files) > 10
    for path in files:
        name = path.relative_to(folder).as_posix()
        original = path.read_bytes()
        at = len(original) // 2
        path.write_bytes(original[:at] + bytes([original[at] ^ 1]) + original[at + 1 :])
        try:
            faults = faults_of(folder)
        finally:
            path.write_bytes(original)
        assert faults, f"flipping a byte of {name} went unnoticed"
        named = name if not name.startswith("log/tile/") else name.rsplit(".p/", 1)[0]
        assert any(named.split("/")[0] in f for f in faults), (name, faults)
    assert faults_of(folder) == []


def test_the_file_at_fault_is_named(recorded: Store, tmp_path: Path):
    folder = write_snapshot(recorded, tmp_path / "snap", site=SITE, signer=SIGNER).directory
    (folder / "data" / "actor.csv").write_bytes(b"changed")
    assert faults_of(folder) == ["data/actor.csv: its SHA-256 is not the manifest's"]
    (folder / "data" / "actor.csv").unlink()
    assert faults_of(folder) == ["data/actor.csv: missing"]
    (folder / "planted.html").write_text("<script>")
    assert "planted.html: not in the manifest" in faults_of(folder)


def test_a_manifest_naming_a_file_outside_the_snapshot_is_refused(recorded: Store, tmp_path: Path):
    folder = write_snapshot(recorded, tmp_path / "snap", site=SITE, signer=SIGNER).directory
    (tmp_path / "secret").write_text("outside")
    manifest = orjson.loads((folder / "manifest.json").read_bytes())
    manifest["files"].append({"path": "../secret", "sha256": "0" * 64, "size": 7})
    (folder / "manifest.json").write_bytes(orjson.dumps(manifest))
    faults = faults_of(folder)
    assert "manifest.json: names a file outside the snapshot: '../secret'" in faults
    assert "manifest.json: its digest is not the log's last leaf" in faults


def test_a_forged_checkpoint_or_tile_stops_the_check(recorded: Store, tmp_path: Path):
    folder = write_snapshot(recorded, tmp_path / "snap", site=SITE, signer=SIGNER).directory
    other = note.Signer.generate("record.example.org")
    (folder / "log" / "checkpoint").write_bytes(
        note.sign_checkpoint(note.Checkpoint("record.example.org", 5, bytes(32)), other)
    )
    (faults,) = [faults_of(folder)]
    assert len(faults) == 1 and faults[0].startswith("log/checkpoint: not signed by")


def test_since_refuses_a_log_that_was_rewritten_and_accepts_one_that_grew(
    recorded: Store, tmp_path: Path
):
    first = write_snapshot(recorded, tmp_path / "one", site=SITE, signer=SIGNER)
    write_records(recorded, actor("later"))
    second = write_snapshot(recorded, tmp_path / "two", site=SITE, signer=SIGNER)
    assert faults_of(second.directory, since=first.checkpoint) == []
    assert second.tree_size == first.tree_size + 2
    forked = Store.open(str(tmp_path / "forked.db"), create=True)
    write_records(forked, *basic_records(), actor("other"), actor("more"), actor("still-more"))
    with forked:
        third = write_snapshot(forked, tmp_path / "three", site=SITE, signer=SIGNER)
    faults = faults_of(third.directory, since=first.checkpoint)
    assert any("does not extend the earlier checkpoint" in f for f in faults), faults


def test_a_folder_of_other_things_is_not_replaced(recorded: Store, tmp_path: Path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("mine")
    with pytest.raises(SnapshotRefused):
        write_snapshot(recorded, tmp_path / "mine", site=SITE, signer=SIGNER)
    assert (tmp_path / "mine" / "thesis.txt").read_text() == "mine"


def test_tiles_hold_the_stored_tree(recorded: Store, tmp_path: Path):
    folder = write_snapshot(recorded, tmp_path / "snap", site=SITE, signer=SIGNER).directory
    checked, _ = check_snapshot(folder, KEY)
    assert checked is not None
    tile = (folder / "log" / "tile" / "0" / "000.p/6").read_bytes()
    assert [tile[i : i + 32] for i in range(0, len(tile), 32)] == checked.leaf_hashes
    assert merkle.root_of(checked.leaf_hashes) == checked.checkpoint.root


def test_a_snapshot_carries_the_public_captures_and_never_a_restricted_one(
    store: Store, tmp_path: Path
):
    from coercionwatch.ingest.capture import capture_file
    from coercionwatch.store.archive import blob_path, open_mirrors

    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "public.txt").write_bytes(b"A statement anyone may read.")
    (documents / "secret.txt").write_bytes(b"The name of a protected witness.")
    source = {"kind": "source", "title": "A source", "type": "statement"}
    write_records(
        store,
        {**source, "id": "open-source"},
        {**source, "id": "closed-source", "visibility": "restricted"},
    )
    mirrors = open_mirrors([(tmp_path / "first").as_uri(), (tmp_path / "second").as_uri()])
    kept = {}
    for name, record_id in (("public.txt", "open-source"), ("secret.txt", "closed-source")):
        with capture_file(documents / name, roots=[documents], captured_by="t") as captured:
            store.keep_capture(record_id, captured.archive, captured.files, mirrors, author="t")
            kept[record_id] = captured.archive
    shown, hidden = kept["open-source"], kept["closed-source"]
    # The first mirror's copy of the public document is corrupt: the second one's is used.
    (tmp_path / "first" / blob_path(shown.sha256)).write_bytes(b"tampered")
    folder = write_snapshot(store, tmp_path / "snap", site=SITE, signer=SIGNER, mirrors=mirrors)
    folder = folder.directory
    copied = folder / "archive" / blob_path(shown.sha256)
    assert copied.read_bytes() == b"A statement anyone may read."
    assert (folder / "archive" / blob_path(shown.wacz)).is_file()
    everything = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    names = "\n".join(p.as_posix() for p in folder.rglob("*"))
    for secret in (hidden.sha256, hidden.wacz, hidden.capture):
        assert secret.encode() not in everything and secret not in names
    assert b"protected witness" not in everything
    assert check_snapshot(folder, KEY)[1] == []
    data = bytearray(copied.read_bytes())
    data[0] ^= 1
    copied.write_bytes(bytes(data))
    assert any(f"archive/{blob_path(shown.sha256)}" in f for f in faults_of(folder))
    # With no intact copy anywhere, no snapshot is written.
    (tmp_path / "second" / blob_path(shown.sha256)).write_bytes(b"tampered too")
    with pytest.raises(SnapshotRefused, match="no mirror holds an intact copy"):
        write_snapshot(store, tmp_path / "snap2", site=SITE, signer=SIGNER, mirrors=mirrors)
    assert not (tmp_path / "snap2").exists()
