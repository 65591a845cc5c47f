"""The log, snapshots and mirrors from the command line, as an operator and two mirror
hosts would use them: keys, a checkpoint, a snapshot, two pulls over HTTP from a real
server on 127.0.0.1, a cosigned checkpoint, and every refusal with its exit status."""

from __future__ import annotations

import base64
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from coercionwatch.model import merkle, note
from tests.helpers import basic_records, write_lines


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """A plain static file server over a folder, as any mirror host would run."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def keys(cli, tmp_path: Path, name: str, file: str) -> tuple[Path, str]:
    result = cli("keys", "generate", "--name", name, "--out", str(tmp_path / file), "--json")
    assert result.exit_code == 0, result.output
    return tmp_path / file, json.loads(result.stdout)["verifierKey"]


def test_keys_checkpoint_proof_and_consistency(cli, tmp_path: Path):
    key_file, verifier = keys(cli, tmp_path, "record.example.org", "log.key")
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert cli("keys", "generate", "--name", "x", "--out", str(key_file)).exit_code == 2
    assert cli("import", str(write_lines(tmp_path / "r.jsonl", basic_records()))).exit_code == 0
    env = {"COERCIONWATCH_SIGNING_KEY": str(key_file)}
    assert cli("log", "proof", "actor", "prost").exit_code == 2  # no checkpoint yet
    signed = cli("log", "checkpoint", env=env)
    assert signed.exit_code == 0, signed.output
    checkpoint = note.open_checkpoint(signed.stdout.encode(), note.Verifier.from_key(verifier))
    assert checkpoint.size == 3
    proof = cli("log", "proof", "actor", "prost")
    assert proof.exit_code == 0, proof.output
    parsed = note.InclusionProof.parse(proof.stdout.encode())
    entry = json.loads(parsed.extra)
    assert (entry["kind"], entry["id"]) == ("actor", "prost")
    leaf = merkle.leaf_hash(bytes.fromhex(entry["hash"]))
    merkle.check_inclusion(parsed.index, checkpoint.size, leaf, parsed.hashes, checkpoint.root)
    assert cli("log", "proof", "actor", "nobody").exit_code == 2
    more = write_lines(
        tmp_path / "more.jsonl", [{"kind": "actor", "id": "z", "name": "Z", "type": "person"}]
    )
    assert cli("import", str(more)).exit_code == 0
    consistency = cli("log", "consistency", "--from", "3", "--json")
    answer = json.loads(consistency.stdout)
    assert answer["to"]["size"] == 4
    merkle.check_consistency(
        3,
        4,
        checkpoint.root,
        base64.b64decode(answer["to"]["root"]),
        [base64.b64decode(h) for h in answer["proof"]],
    )
    assert cli("log", "consistency", "--from", "9").exit_code == 2


def test_snapshot_and_two_mirrors_that_cosign(cli, tmp_path: Path):
    log_key, log_verifier = keys(cli, tmp_path, "record.example.org", "log.key")
    mirror_key, _ = keys(cli, tmp_path, "mirror.example.net", "mirror.key")
    assert cli("import", str(write_lines(tmp_path / "r.jsonl", basic_records()))).exit_code == 0
    snap = tmp_path / "snap"
    written = cli("snapshot", str(snap), "--signing-key", str(log_key))
    assert written.exit_code == 0, written.output
    assert cli("verify-snapshot", str(snap), "--key", log_verifier).exit_code == 0
    dest = tmp_path / "mirror"
    with served(snap) as url:
        pulled = cli(
            "mirror",
            "pull",
            url,
            str(dest),
            "--key",
            log_verifier,
            "--mirror-key",
            str(mirror_key),
            "--allow-private",
            "--json",
        )
        assert pulled.exit_code == 0, pulled.output
        refused = cli(
            "mirror",
            "pull",
            url,
            str(tmp_path / "m2"),
            "--key",
            log_verifier,
            "--mirror-key",
            str(mirror_key),
        )
        assert refused.exit_code == 1 and "private" in refused.output
    cosigned = (dest / "log" / "checkpoint").read_bytes()
    witness = note.Signer.from_key(mirror_key.read_text()).verifier(note.COSIGNATURE)
    assert note.check_cosignature(cosigned, witness) > 0
    assert note.open_checkpoint(cosigned, note.Verifier.from_key(log_verifier)).size == 4
    assert cli("verify-snapshot", str(dest), "--key", log_verifier).exit_code == 0

    # The record grows; the mirror takes the new snapshot, checked against what it had.
    more = write_lines(
        tmp_path / "more.jsonl", [{"kind": "actor", "id": "z", "name": "Z", "type": "person"}]
    )
    assert cli("import", str(more)).exit_code == 0
    assert cli("snapshot", str(snap), "--signing-key", str(log_key)).exit_code == 0
    again = cli(
        "mirror",
        "pull",
        str(snap),
        str(dest),
        "--key",
        log_verifier,
        "--mirror-key",
        str(mirror_key),
        "--json",
    )
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["previousSize"] == 4

    # A snapshot of another history under the same key is refused; the mirror is unchanged.
    before = (dest / "log" / "checkpoint").read_bytes()
    other = tmp_path / "other.db"
    from typer.testing import CliRunner

    from coercionwatch.cli.app import app

    runner = CliRunner()
    lines = write_lines(
        tmp_path / "o.jsonl",
        [
            *basic_records(),
            *[
                {"kind": "actor", "id": f"o{i}", "name": f"O{i}", "type": "person"}
                for i in range(5)
            ],
        ],
    )
    assert runner.invoke(app, ["--db", str(other), "import", str(lines)]).exit_code == 0
    forked = tmp_path / "forked"
    assert (
        runner.invoke(
            app, ["--db", str(other), "snapshot", str(forked), "--signing-key", str(log_key)]
        ).exit_code
        == 0
    )
    refused = cli(
        "mirror",
        "pull",
        str(forked),
        str(dest),
        "--key",
        log_verifier,
        "--mirror-key",
        str(mirror_key),
    )
    assert refused.exit_code == 1 and "does not extend" in refused.output
    assert (dest / "log" / "checkpoint").read_bytes() == before


def test_verify_snapshot_exits_1_naming_the_file_and_2_on_a_bad_key(cli, tmp_path: Path):
    log_key, log_verifier = keys(cli, tmp_path, "record.example.org", "log.key")
    assert cli("import", str(write_lines(tmp_path / "r.jsonl", basic_records()))).exit_code == 0
    snap = tmp_path / "snap"
    assert cli("snapshot", str(snap), "--signing-key", str(log_key)).exit_code == 0
    (snap / "data" / "actor.json").write_bytes(b"[]")
    result = cli("verify-snapshot", str(snap), "--key", log_verifier, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["faults"][0]["path"] == "data/actor.json"
    assert cli("verify-snapshot", str(snap), "--key", "garbage+00+AA").exit_code == 2
    assert cli("snapshot", str(tmp_path / "s2")).exit_code == 2  # no signing key
